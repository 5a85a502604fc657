// Which web pages may open the relay's sockets and change things through its API. A browser names the page's
// origin in the Origin header and cannot forge it, so another site's page (cross-site WebSocket hijacking, a
// forged POST) is refused. The relay's own pages are same-host; requests without Origin come from programs (Node
// clients, curl, tests), which carry their token themselves and are not a browser acting for someone.
import type { IncomingMessage } from 'node:http';

export type OriginDecision = { allowed: true } | { allowed: false; error: string };

/** `host` without the port its scheme implies, lower case: `example.org:443` and `example.org` are one host. */
function normalHost(host: string, scheme: string): string {
	const h = host.trim().toLowerCase();
	const implied = scheme === 'https:' ? ':443' : ':80';
	return h.endsWith(implied) ? h.slice(0, -implied.length) : h;
}

/**
 * @param origin the Origin header, if any
 * @param hosts the Host header (and, behind a trusted proxy, X-Forwarded-Host): the relay's own host as the client saw it
 * @param allowedOrigins further origins allowed (normalised, e.g. https://caseroom.example.org)
 */
export function checkOrigin(origin: string | undefined, hosts: (string | undefined)[], allowedOrigins: readonly string[]): OriginDecision {
	if (origin === undefined) return { allowed: true };
	let url: URL | undefined;
	try {
		url = new URL(origin);
	} catch {
		/* "null" (a sandboxed or file: page) and garbage are refused below */
	}
	if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
		const own = normalHost(url.host, url.protocol);
		if (hosts.some((h) => h !== undefined && h !== '' && normalHost(h, url.protocol) === own)) return { allowed: true };
		if (allowedOrigins.includes(url.origin)) return { allowed: true };
	}
	return {
		allowed: false,
		error: `Pages from ${JSON.stringify(origin.slice(0, 200))} may not use this relay. Open Caseroom from the relay's own address, or ask its administrator to add that origin to ALLOWED_ORIGINS.`
	};
}

/** checkOrigin for a request, with X-Forwarded-Host honoured only behind a trusted proxy. */
export function checkRequestOrigin(req: IncomingMessage, trustProxy: boolean, allowedOrigins: readonly string[]): OriginDecision {
	const origin = single(req.headers.origin);
	const forwardedHost = trustProxy ? single(req.headers['x-forwarded-host'])?.split(',')[0] : undefined;
	return checkOrigin(origin, [req.headers.host, forwardedHost], allowedOrigins);
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Methods that change something: their requests must come from an allowed origin. Reads are harmless cross-site. */
export const isStateChanging = (method: string | undefined) => !['GET', 'HEAD', 'OPTIONS'].includes((method ?? 'GET').toUpperCase());
