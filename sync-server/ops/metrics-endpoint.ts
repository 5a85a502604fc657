// GET /metrics: the relay's metrics (metrics.ts) for a scraper that has METRICS_TOKEN, and nothing for anyone else.
// Apart from metrics.ts so that a relay without METRICS_TOKEN never loads prom-client.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RelayMetrics } from './metrics.ts';

/**
 * GET /metrics. Without METRICS_TOKEN the relay has no metrics: 404, as for any unknown path. With it, only a request
 * carrying `Authorization: Bearer <METRICS_TOKEN>` gets them (compared in constant time); any other gets 401. Neither
 * refusal says anything more.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, token: string | null, metrics: RelayMetrics | undefined): Promise<void> {
	if (token === null || !metrics) return void res.writeHead(404, { 'content-length': '0', 'cache-control': 'no-store' }).end();
	if (!bearerMatches(req.headers.authorization, token))
		return void res.writeHead(401, { 'content-length': '0', 'cache-control': 'no-store', 'www-authenticate': 'Bearer' }).end();
	if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
	const body = await metrics.text();
	res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
	res.end(req.method === 'HEAD' ? undefined : body);
}

/** Compares digests, so neither the time taken nor an early length check tells how much of the token was right. */
export function bearerMatches(header: string | undefined, token: string): boolean {
	const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
	const digest = (s: string) => createHash('sha256').update(s).digest();
	return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}
