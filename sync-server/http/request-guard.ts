// The relay's front door, before any handler runs: the request rate of each client address, the Origin of
// browser requests that change something or open a socket, and the open WebSockets of each address.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config.ts';
import { clientAddress } from './http-util.ts';
import { checkRequestOrigin, isStateChanging } from './origin-check.ts';
import { createConnectionCounter, createKeyedLimiter, type LimitDecision } from './rate-limit.ts';

export interface Refusal {
	status: 403 | 429;
	error: string;
	headers: Record<string, string>;
}

export type SocketKind = 'sync' | 'peerjs';

export interface RequestGuard {
	/** An HTTP request: null when it may go on. `changesState` paths (the API, signalling) need an allowed Origin. */
	request(req: IncomingMessage, checksOrigin: boolean): Refusal | null;
	/** A WebSocket upgrade: null when it may go on, and then the socket counts for its address until it closes. */
	upgrade(req: IncomingMessage, socket: Duplex, kind: SocketKind): Refusal | null;
	/** Open sockets of this kind from this address (for tests and /health). */
	openSockets(kind: SocketKind, address: string): number;
}

export function createRequestGuard(config: Pick<Config, 'limits' | 'trustProxy' | 'allowedOrigins'>, now: () => number = Date.now): RequestGuard {
	const { limits, trustProxy, allowedOrigins } = config;
	const rate = createKeyedLimiter(limits.http, { now });
	const sockets = createConnectionCounter(limits.socketsPerAddress);

	const tooMany = (d: Extract<LimitDecision, { allowed: false }>, what: string): Refusal => ({
		status: 429,
		error: `Too many ${what} from your network address; try again in ${d.retryAfterSeconds} s.`,
		headers: { 'retry-after': String(d.retryAfterSeconds) }
	});

	function front(req: IncomingMessage, address: string, checksOrigin: boolean): Refusal | null {
		const allowed = rate.take(address);
		if (!allowed.allowed) return tooMany(allowed, 'requests');
		if (!checksOrigin) return null;
		const origin = checkRequestOrigin(req, trustProxy, allowedOrigins);
		return origin.allowed ? null : { status: 403, error: origin.error, headers: {} };
	}

	return {
		request(req, checksOrigin) {
			return front(req, clientAddress(req, trustProxy), checksOrigin && isStateChanging(req.method));
		},
		upgrade(req, socket, kind) {
			const address = clientAddress(req, trustProxy);
			const refused = front(req, address, true);
			if (refused) return refused;
			const key = `${kind} ${address}`;
			if (!sockets.open(key))
				return tooMany({ allowed: false, retryAfterSeconds: 30 }, `open ${kind === 'sync' ? 'sync' : 'call signalling'} connections`);
			socket.once('close', () => sockets.close(key));
			return null;
		},
		openSockets: (kind, address) => sockets.count(`${kind} ${address}`)
	};
}
