// One log line per HTTP request once it is answered, with a request id that every other line about that request
// carries too (requestIdOf), and the refusal counted for the metrics. A line names the path, never the URL: a query
// may hold a token. Successful answers are debug lines (a plant's tablets fetch the app and the API all day), and so
// are refusals for going too fast (a flood would otherwise write a line per request); other refusals are info,
// failures error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from './log.ts';

const ids = new WeakMap<IncomingMessage, string>();
let next = 0;

/** A new request id (a WebSocket upgrade refused before any handler gets it has one too). */
export function nextRequestId(): string {
	return `r${(++next).toString(36)}`;
}

/** The id of a request being observed ('' for one that is not). */
export function requestIdOf(req: IncomingMessage): string {
	return ids.get(req) ?? '';
}

/** Gives the request an id and logs (and counts) its answer when it is sent; returns the id. */
export function observeRequest(
	req: IncomingMessage,
	res: ServerResponse,
	pathname: string | null,
	options: { log: Log; address: string; answered?: (status: number) => void }
): string {
	const id = nextRequestId();
	ids.set(req, id);
	const started = performance.now();
	res.once('finish', () => {
		const status = res.statusCode;
		options.answered?.(status);
		const fields = { req: id, method: req.method, path: pathname ?? '(not a valid path)', status, ms: Math.round(performance.now() - started), address: options.address };
		const level = status >= 500 ? 'error' : status >= 400 && status !== 429 ? 'info' : 'debug';
		options.log[level](fields, status >= 500 ? 'HTTP request failed' : status >= 400 ? 'HTTP request refused' : 'HTTP request');
	});
	return id;
}
