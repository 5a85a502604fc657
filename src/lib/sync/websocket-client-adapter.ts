// The app's automerge-repo NetworkAdapter to the relay's /sync: the stock WebSocket protocol (join → peer,
// ProtocolV1, CBOR frames) with the sign-in token in the URL, reconnection with backoff and jitter, and the
// connection state for the UI. Plain TypeScript: runs in the browser and in Node (pass `ws` as the WebSocket).
import { cbor, NetworkAdapter, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo/slim';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { ConnectionState } from './connection-state';
import { createHeartbeat, type Heartbeat } from './heartbeat';
import { OPEN, toBytes, type WebSocketConstructor, type WebSocketLike } from './websocket-like';

export type { WebSocketConstructor, WebSocketLike } from './websocket-like';

export interface RelayClientAdapterOptions {
	/** ws(s)://host/sync; the token is added as the `token` query parameter. */
	url: string;
	token: string;
	/** Defaults to globalThis.WebSocket. */
	webSocket?: WebSocketConstructor;
	/**
	 * Called when a connection closed without ever opening. A browser cannot see the relay's 401, so the app
	 * checks its session (e.g. /api/me) and calls setToken, or signs out. The relay being down looks the same.
	 */
	onAuthSuspect?: () => void;
	backoff?: BackoffOptions;
	/** Repo.find waits for the network before asking peers; offline, it stops waiting after this long. */
	readyTimeoutMs?: number;
	/**
	 * After this long without a frame the adapter repeats its join, which our relay answers with its peer message
	 * (browsers cannot send WebSocket pings); after twice this long without one (more on a link proven slow, see
	 * heartbeat.ts) the connection is given up as dead. A new socket gets as long to be answered at all: one that
	 * stalls in its handshake would otherwise wait for TCP to give up, many minutes. Default 2000; 0: off.
	 */
	heartbeatMs?: number;
}

/** A stalled link is noticed within 2 × this + an eighth of it (4.25 s), and an idle one costs a join every 2 s. */
export const DEFAULT_HEARTBEAT_MS = 2000;

const PROTOCOL_V1 = '1';

export class RelayClientAdapter extends NetworkAdapter {
	readonly connection = new ConnectionState();
	/** The relay's peer id and metadata while joined. */
	relayPeerId: PeerId | undefined;
	relayMetadata: PeerMetadata | undefined;
	readonly #options: RelayClientAdapterOptions;
	readonly #heartbeat: Heartbeat | null;
	#token: string;
	#socket: WebSocketLike | undefined;
	/** Why the current socket failed: the relay's error message, or the socket's error. */
	#socketError: string | null = null;
	#attempt = 0;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#running = false;
	#isReady = false;
	#resolveReady!: () => void;
	readonly #ready = new Promise<void>((resolve) => (this.#resolveReady = resolve));

	constructor(options: RelayClientAdapterOptions) {
		super();
		this.#options = options;
		this.#token = options.token;
		const intervalMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
		this.#heartbeat =
			intervalMs === 0
				? null
				: createHeartbeat(
						{ intervalMs },
						{
							ask: () => this.#socket && this.#sendJoin(this.#socket),
							dead: (why) => this.#abandon(why === 'silent' ? 'the relay stopped answering' : 'the relay did not answer in time'),
							unsent: () => this.#socket?.bufferedAmount ?? 0
						}
					);
	}

	/** How long the connection may stay silent before it is given up (grows on a link proven slow). */
	get heartbeatPatienceMs(): number | null {
		return this.#heartbeat?.patienceMs ?? null;
	}

	isReady(): boolean {
		return this.#isReady;
	}

	whenReady(): Promise<void> {
		return this.#ready;
	}

	connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
		this.peerId = peerId;
		this.peerMetadata = peerMetadata ?? {};
		this.#running = true;
		setTimeout(() => this.#markReady(), this.#options.readyTimeoutMs ?? 1000);
		this.#open();
	}

	disconnect(): void {
		this.#running = false;
		clearTimeout(this.#retryTimer);
		this.#closeSocket();
		this.connection.update({ status: 'offline', retryAt: null });
	}

	send(message: Message): void {
		// Dropped while not joined: the sync protocol catches up after the next join.
		if (this.#socket?.readyState === OPEN && this.relayPeerId) this.#sendFrame(this.#socket, message);
	}

	/** A new token (after signing in again) is used from the next connection; offline, that is right now. */
	setToken(token: string): void {
		this.#token = token;
		this.reconnectNow();
	}

	/** Skips the backoff wait (e.g. when the browser reports it is online again). */
	reconnectNow(): void {
		if (!this.#running || this.connection.current.status === 'online') return;
		this.#attempt = 0;
		this.#open();
	}

	#open(): void {
		clearTimeout(this.#retryTimer);
		this.#closeSocket();
		this.#socketError = null;
		this.connection.update({ status: 'connecting', retryAt: null });
		const url = new URL(this.#options.url);
		url.searchParams.set('token', this.#token);
		const Socket = this.#options.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
		let socket: WebSocketLike;
		try {
			if (!Socket) throw new Error('no WebSocket implementation');
			socket = new Socket(url.toString());
		} catch (error) {
			return this.#retry(false, `cannot connect: ${String(error)}`);
		}
		this.#socket = socket;
		socket.binaryType = 'arraybuffer';
		let opened = false;
		const current = () => this.#socket === socket;
		this.#heartbeat?.connecting();
		socket.addEventListener('open', () => {
			opened = true;
			if (current()) this.#sendJoin(socket);
		});
		socket.addEventListener('message', (event) => {
			if (!current()) return;
			this.#heartbeat?.heard();
			this.#receive(event.data);
		});
		socket.addEventListener('error', (event) => {
			if (current()) this.#socketError ??= event.message || 'connection error';
		});
		socket.addEventListener('close', (event) => {
			if (current()) this.#abandon(`closed (${event.code ?? '?'}${event.reason ? ` ${event.reason}` : ''})`, opened);
		});
	}

	#receive(data: unknown): void {
		let message: Record<string, unknown>;
		try {
			message = cbor.decode(toBytes(data));
			if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
		} catch {
			return;
		}
		if (message.type === 'peer') {
			// A repeated one answers a heartbeat: hearing it was enough.
			if (this.relayPeerId) return;
			this.relayPeerId = message.senderId as PeerId;
			this.relayMetadata = (message.peerMetadata ?? {}) as PeerMetadata;
			this.#attempt = 0;
			this.connection.update({ status: 'online', lastError: null, relayStorageId: this.relayMetadata.storageId ?? null });
			this.#markReady();
			this.#heartbeat?.joined();
			this.emit('peer-candidate', { peerId: this.relayPeerId, peerMetadata: this.relayMetadata });
		} else if (message.type === 'error') {
			this.#socketError = `refused by the relay: ${String(message.message)}`;
		} else if (this.relayPeerId) {
			// Ephemeral messages the relay forwards keep their author's senderId.
			this.emit('message', message as unknown as Message);
		}
	}

	#sendJoin(socket: WebSocketLike): void {
		this.#sendFrame(socket, { type: 'join', senderId: this.peerId, peerMetadata: this.peerMetadata, supportedProtocolVersions: [PROTOCOL_V1] });
	}

	/** The current socket is finished (closed, or silent): let it go and schedule the next attempt. */
	#abandon(reason: string, opened = true): void {
		const error = this.#socketError ?? reason;
		this.#closeSocket();
		this.#retry(opened, error);
	}

	#retry(opened: boolean, reason: string): void {
		this.#markReady(); // offline: Repo.find should not wait for a relay that is not there
		if (!opened) this.#options.onAuthSuspect?.();
		if (!this.#running) return this.connection.update({ status: 'offline', lastError: reason, retryAt: null });
		const wait = backoffDelay(this.#attempt++, this.#options.backoff ?? DEFAULT_BACKOFF);
		this.connection.update({ status: 'offline', lastError: reason, retryAt: Date.now() + wait });
		this.#retryTimer = setTimeout(() => this.#open(), wait);
	}

	#closeSocket(): void {
		const socket = this.#socket;
		this.#socket = undefined;
		this.#heartbeat?.stop();
		const relay = this.relayPeerId;
		this.relayPeerId = undefined;
		if (relay) this.emit('peer-disconnected', { peerId: relay });
		try {
			socket?.close();
		} catch {
			// already closing
		}
	}

	#sendFrame(socket: WebSocketLike, frame: unknown): void {
		try {
			socket.send(new Uint8Array(cbor.encode(frame)));
		} catch {
			// The socket is closing; its close event reconnects.
		}
	}

	#markReady(): void {
		if (this.#isReady) return;
		this.#isReady = true;
		this.#resolveReady();
	}
}
