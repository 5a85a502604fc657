// Small HTTP helpers shared by the relay's handlers: JSON answers, bounded JSON bodies, the client's address.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': String(Buffer.byteLength(text)),
		'cache-control': 'no-store',
		...headers
	});
	res.end(text);
}

/** Every API error has this one shape: `{ "error": "<a message for a person>" }`. */
export function sendError(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) {
	sendJson(res, status, { error }, headers);
}

export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

/** Reads a JSON body of at most `limit` bytes; stops reading as soon as it is over (the caller answers 413). */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
	const type = req.headers['content-type'] ?? '';
	if (!/^application\/json\b/i.test(type))
		return Promise.reject(new HttpError(400, 'Send the request body as JSON (Content-Type: application/json).'));
	const tooLarge = () => new HttpError(413, `The request body is larger than ${limit} bytes.`);
	if (Number(req.headers['content-length']) > limit) return Promise.reject(tooLarge());
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const stop = () => {
			req.off('data', onData).off('end', onEnd).off('error', onError);
		};
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size <= limit) return void chunks.push(chunk);
			stop();
			req.pause();
			reject(tooLarge());
		};
		const onEnd = () => {
			stop();
			try {
				resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			} catch {
				reject(new HttpError(400, 'The request body is not valid JSON.'));
			}
		};
		const onError = () => {
			stop();
			reject(new HttpError(400, 'The request body could not be read.'));
		};
		req.on('data', onData).on('end', onEnd).on('error', onError);
	});
}

/**
 * Before answering a refused request, read (and drop) what the client is still sending, up to a bound: a client
 * cut off mid-send sees a broken connection (its unread data makes the close a reset) instead of the relay's message.
 */
export function discardBody(req: IncomingMessage, maxBytes: number): Promise<boolean> {
	if (req.complete || req.readableEnded) return Promise.resolve(true);
	return new Promise((resolve) => {
		let size = 0;
		const done = (drained: boolean) => {
			req.off('data', onData).off('end', onEnd).off('error', onError);
			if (!drained) req.pause();
			resolve(drained);
		};
		const onData = (part: Buffer) => {
			size += part.length;
			if (size > maxBytes) done(false);
		};
		const onEnd = () => done(true);
		const onError = () => done(false);
		req.on('data', onData).on('end', onEnd).on('error', onError);
		req.resume();
	});
}

/** The client's address: the socket's, or behind a trusted proxy the one that proxy appended to X-Forwarded-For. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
	const forwarded = trustProxy ? header(req, 'x-forwarded-for') : undefined;
	const last = forwarded?.split(',').pop()?.trim();
	return last || req.socket.remoteAddress || 'unknown';
}

/** 'https' when the request came over TLS (to us, or to the trusted proxy in front of us). */
export function requestScheme(req: IncomingMessage, trustProxy: boolean): 'http' | 'https' {
	const forwarded = trustProxy ? header(req, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
	if (forwarded === 'https' || forwarded === 'http') return forwarded;
	return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

function header(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value.join(',') : value;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 413: 'Content Too Large', 426: 'Upgrade Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 503: 'Service Unavailable' };

/** The client of an upgrade that waited (a token check catching up) closed its connection meanwhile: destroyed, true. */
export function upgradeAbandoned(socket: Duplex): boolean {
	if (socket.readable && socket.writable) return false;
	socket.destroy();
	return true;
}

/** Answers on the raw socket (a WebSocket upgrade, or a request Node's parser refused) with an HTTP error, a JSON
 * `{ error }` when given, and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, error?: string, headers: Record<string, string> = {}): void {
	const body = error === undefined ? '' : JSON.stringify({ error });
	const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`];
	if (body) lines.push('Content-Type: application/json; charset=utf-8');
	for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
	socket.on('error', () => {});
	socket.once('finish', () => socket.destroy());
	socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
