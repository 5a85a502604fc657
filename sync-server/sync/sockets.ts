// The relay's open /sync sockets: the user each was authenticated as, whether it joined, keepalive (a dead link
// dropped within 5 s, a slow one kept: liveness.ts), a deadline to join, per-socket limits, and dropping a socket so
// that its peer is forgotten (and loses access) at once.
import { WebSocket, type RawData } from 'ws';
import type { UserId } from '../../src/lib/model/ids.ts';
import { createSocketLimiter, type BucketSpec } from '../http/rate-limit.ts';
import { errorField, type Log } from '../ops/log.ts';
import { checkLiveness, CHECKS_PER_INTERVAL, heard, newLiveness, type Liveness } from './liveness.ts';
import { encodeFrame, type RelayFrame } from './wire.ts';

/** WebSocket close code 1008: policy violation (a refused join, a flooding client). */
export const POLICY_VIOLATION = 1008;

export interface Connection {
	readonly socket: WebSocket;
	readonly userId: UserId;
	/** Its lines carry its connection id and user. */
	readonly log: Log;
	/** Joined: the engine bound a peer id to it (a socket that never joins is dropped). */
	joined: boolean;
	readonly liveness: Liveness;
	/** Forgotten: frames still arriving (during a close handshake) are ignored. */
	closed: boolean;
}

export interface SyncSocketsOptions {
	onMessage(connection: Connection, data: RawData, isBinary: boolean): void;
	/** The socket is gone (closed or dropped): the engine forgets its peer. */
	onClosed(connection: Connection): void;
	/** Silent this long: pinged; twice this long: dropped. Default DEFAULT_KEEPALIVE_MS. */
	keepAliveMs?: number;
	joinTimeoutMs?: number;
	/** A client reading slower than this much queued output is dropped (it resyncs on reconnect). */
	maxBufferedBytes?: number;
	/** Frames and bytes one socket may send; a socket over either is closed with 1008. Unlimited when omitted. */
	limits?: { messages: BucketSpec; bytes: BucketSpec };
}

/** A stalled link is dropped within 4.25 s; an idle socket that sends nothing itself gets a ping every 2 s. */
export const DEFAULT_KEEPALIVE_MS = 2000;

export class SyncSockets {
	readonly #options: SyncSocketsOptions;
	readonly #all = new Set<Connection>();
	#keepAlive: ReturnType<typeof setInterval> | undefined;

	constructor(options: SyncSocketsOptions) {
		this.#options = options;
	}

	startKeepAlive(): void {
		clearInterval(this.#keepAlive);
		const keepAliveMs = this.#options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
		this.#keepAlive = setInterval(() => this.#check(keepAliveMs), Math.max(1, Math.round(keepAliveMs / CHECKS_PER_INTERVAL)));
		this.#keepAlive.unref?.();
	}

	stop(): void {
		clearInterval(this.#keepAlive);
		this.#keepAlive = undefined;
		for (const connection of [...this.#all]) this.drop(connection);
	}

	/** `log`: the connection's own (its id and user on every line). */
	add(socket: WebSocket, userId: UserId, log: Log): void {
		const connection: Connection = { socket, userId, log, joined: false, liveness: newLiveness(Date.now(), bytesRead(socket), unsent(socket)), closed: false };
		this.#all.add(connection);
		const joinTimer = setTimeout(() => !connection.joined && this.drop(connection), this.#options.joinTimeoutMs ?? 10_000);
		joinTimer.unref?.();
		socket.on('pong', () => heard(connection.liveness, Date.now()));
		const limiter = this.#options.limits && createSocketLimiter(this.#options.limits);
		socket.on('message', (data, isBinary) => {
			if (connection.closed) return;
			heard(connection.liveness, Date.now());
			if (limiter && !limiter.take(rawSize(data)).allowed) {
				log.warn({}, 'Closing a sync socket: it sends faster than its limit');
				return this.closeForPolicy(connection, 'sending too fast');
			}
			this.#options.onMessage(connection, data, isBinary);
		});
		socket.on('close', () => {
			clearTimeout(joinTimer);
			this.forget(connection);
		});
	}

	count(): number {
		return this.#all.size;
	}

	dropUser(userId: UserId): void {
		for (const connection of [...this.#all]) if (connection.userId === userId) this.drop(connection);
	}

	send(connection: Connection, frame: RelayFrame): void {
		if (connection.closed || connection.socket.readyState !== WebSocket.OPEN) return;
		if (connection.socket.bufferedAmount > (this.#options.maxBufferedBytes ?? 64 * 1024 * 1024)) {
			connection.log.warn({ buffered: connection.socket.bufferedAmount }, 'Dropping a sync socket: it does not read its messages');
			return this.drop(connection);
		}
		try {
			connection.socket.send(encodeFrame(frame));
		} catch (error) {
			connection.log.warn({ err: errorField(error) }, 'Sending to a sync socket failed');
			this.drop(connection);
		}
	}

	/** Closes the socket at once. */
	drop(connection: Connection): void {
		connection.socket.terminate();
		this.forget(connection);
	}

	/** Closes with 1008 and forgets the socket at once; one that does not answer the close handshake is cut a moment later. */
	closeForPolicy(connection: Connection, reason: string): void {
		connection.socket.close(POLICY_VIOLATION, reason);
		// Stop reading: a flood already in the pipe would otherwise still be parsed, frame by ignored frame.
		connection.socket.pause();
		this.forget(connection);
		setTimeout(() => connection.socket.terminate(), 1000).unref?.();
	}

	/** Forgets the socket (its close handshake may still run). */
	forget(connection: Connection): void {
		if (!this.#all.delete(connection)) return;
		connection.closed = true;
		this.#options.onClosed(connection);
	}

	#check(keepAliveMs: number): void {
		const now = Date.now();
		// One pass, no allocation per socket (drop() deleting the current entry is safe while iterating a Set).
		for (const connection of this.#all) {
			const { socket, liveness } = connection;
			const verdict = checkLiveness(liveness, bytesRead(socket), unsent(socket), now, keepAliveMs);
			if (verdict === 'dead') {
				connection.log.info({ silentMs: now - liveness.heardAt }, 'Dropping a sync socket: the link is silent');
				this.drop(connection);
			} else if (verdict === 'ping') {
				try {
					socket.ping();
				} catch {
					this.drop(connection);
				}
			}
		}
	}
}

/** The TCP socket under a ws WebSocket (`_socket`, and libuv's write queue on its handle: not public API). */
type Tcp = { bytesRead?: number; _handle?: { writeQueueSize?: number } | null };
const tcpOf = (socket: WebSocket) => (socket as unknown as { _socket?: Tcp })._socket;

/** Bytes received on the TCP connection: the count moves while a large frame is still arriving, long before ws emits it. */
function bytesRead(socket: WebSocket): number {
	return tcpOf(socket)?.bytesRead ?? 0;
}

/**
 * A measure of what is still to send that goes down as the network takes it: ws's bufferedAmount counts a frame being
 * written until its last byte is out, libuv's write queue shrinks as the kernel takes each part of it.
 */
function unsent(socket: WebSocket): number {
	return socket.bufferedAmount + (tcpOf(socket)?._handle?.writeQueueSize ?? 0);
}

/** Bytes of a frame as ws hands it over (a Buffer, an ArrayBuffer or fragments). */
export function rawSize(data: RawData): number {
	return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
}
