// This device's one PeerJS peer for files: opened on first use, reconnecting to /peerjs after the network comes
// back, serving other members' requests and opening connections to ask them. Every data connection names its
// conversation in metadata.conversationId: the relay forwards the offer only when both people are members of it,
// and the serving side answers only for that conversation's files (peer-serve.ts). PeerJS 'raw' serialization,
// the protocol speaks to the RTCDataChannel directly: PeerJS's 'binary' framing (16 KiB BinaryPack pieces) cost a
// quarter of the throughput here.
import type { DataConnection, Peer, PeerError } from 'peerjs';
import type { Sha256Hex } from '$lib/model/file-manifest';
import { dataChannelFrames } from './peer-channel';
import { serveFiles, type ChunkReader } from './peer-serve';
import { PeerRequester } from './peer-source';
import { userOfCallPeer } from '$lib/call/call-roster';

export interface PeerLinkOptions {
	/** `<userId>-<random>`: the relay refuses any other. */
	peerId: string;
	token: string;
	iceServers(): Promise<RTCIceServer[]>;
	store(): Promise<ChunkReader>;
	/**
	 * This device's view of a conversation: its members and its files, or null when the device does not know it.
	 * Asked for every request, so a file removed from the conversation stops being served at once.
	 */
	conversation(conversationId: string): { members: ReadonlySet<string>; files: ReadonlySet<Sha256Hex> } | null;
	/** Where /peerjs is; the page's own origin by default. */
	server?: { host: string; port: number; secure: boolean };
}

const CONNECT_TIMEOUT_MS = 8000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15_000;

export class PeerLink {
	readonly #o: PeerLinkOptions;
	#opening: Promise<Peer> | null = null;
	/** Open connections we asked on, per remote peer and conversation. */
	readonly #requesters = new Map<string, Promise<PeerRequester>>();
	#reconnectTimer: ReturnType<typeof setTimeout> | undefined;
	#delay = RETRY_MIN_MS;
	#closed = false;

	constructor(options: PeerLinkOptions) {
		this.#o = options;
	}

	get peerId(): string {
		return this.#o.peerId;
	}

	/** Registers with the signalling server (once); resolves when others can reach this device. */
	open(): Promise<Peer> {
		this.#opening ??= this.#open().catch((err: unknown) => {
			this.#opening = null;
			throw err;
		});
		return this.#opening;
	}

	/** The requests over a connection to `remote` for `conversationId`, opening it when needed. */
	requester(remote: string, conversationId: string): Promise<PeerRequester> {
		const key = `${remote} ${conversationId}`;
		const known = this.#requesters.get(key);
		if (known) return known;
		const made = this.#connect(remote, conversationId).then((requester) => {
			const forget = () => this.#requesters.get(key) === made && this.#requesters.delete(key);
			if (requester.closed) forget();
			requester.onClose(forget);
			return requester;
		});
		made.catch(() => this.#requesters.get(key) === made && this.#requesters.delete(key));
		this.#requesters.set(key, made);
		return made;
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#reconnectTimer);
		void this.#opening?.then((peer) => peer.destroy(), () => {});
	}

	async #open(): Promise<Peer> {
		const [{ Peer }, iceServers] = await Promise.all([import('peerjs'), this.#o.iceServers()]);
		const server = this.#o.server ?? {
			host: location.hostname,
			secure: location.protocol === 'https:',
			port: Number(location.port) || (location.protocol === 'https:' ? 443 : 80)
		};
		const peer = new Peer(this.#o.peerId, {
			...server,
			path: '/peerjs/',
			key: 'peerjs',
			token: this.#o.token,
			// Only what the relay configured: PeerJS's default would ask public STUN servers.
			config: { iceServers },
			debug: 0
		});
		peer.on('connection', (conn) => this.#incoming(conn));
		peer.on('disconnected', () => this.#scheduleReconnect(peer));
		peer.on('error', (err: PeerError<string>) => {
			if (['network', 'server-error', 'socket-error', 'socket-closed'].includes(err.type)) this.#scheduleReconnect(peer);
		});
		peer.on('open', () => (this.#delay = RETRY_MIN_MS));
		await new Promise<void>((resolve, reject) => {
			peer.once('open', () => resolve());
			peer.once('error', (err) => reject(new Error(err.message)));
		});
		return peer;
	}

	/** Another member asks for files: serve only this conversation's, and only to one of its members. */
	#incoming(conn: DataConnection): void {
		const conversationId: unknown = (conn.metadata as { conversationId?: unknown } | undefined)?.conversationId;
		const known = typeof conversationId === 'string' ? this.#o.conversation(conversationId) : null;
		if (this.#closed || !known || !known.members.has(userOfCallPeer(conn.peer)) || conn.serialization !== 'raw') return void conn.close();
		conn.once('open', () => {
			void this.#o.store().then((store) =>
				serveFiles({
					channel: dataChannelFrames(conn.dataChannel),
					store,
					isShared: (file) => this.#o.conversation(conversationId as string)?.files.has(file) ?? false
				})
			);
		});
	}

	async #connect(remote: string, conversationId: string): Promise<PeerRequester> {
		const peer = await this.open();
		const conn = peer.connect(remote, { serialization: 'raw', reliable: true, metadata: { conversationId } });
		await new Promise<void>((resolve, reject) => {
			let settled = false;
			const fail = (message: string) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				peer.off('error', refused);
				conn.close();
				reject(new Error(message));
			};
			// The relay refusing the offer (not both members) arrives as PeerJS's peer-unavailable for that peer.
			const refused = (err: PeerError<string>) => {
				if (err.type === 'peer-unavailable' && err.message.endsWith(remote)) fail('The other device cannot be reached for this conversation.');
			};
			const timer = setTimeout(() => fail('The other device did not answer.'), CONNECT_TIMEOUT_MS);
			peer.on('error', refused);
			conn.once('open', () => {
				settled = true;
				clearTimeout(timer);
				peer.off('error', refused);
				resolve();
			});
			conn.once('error', (err) => fail(err.message));
			conn.once('close', () => fail('The other device closed the connection.'));
		});
		return new PeerRequester(dataChannelFrames(conn.dataChannel));
	}

	#scheduleReconnect(peer: Peer): void {
		if (this.#closed || peer.destroyed || this.#reconnectTimer) return;
		this.#reconnectTimer = setTimeout(() => {
			this.#reconnectTimer = undefined;
			if (this.#closed || peer.destroyed) return;
			if (peer.disconnected) peer.reconnect();
			this.#delay = Math.min(RETRY_MAX_MS, this.#delay * 2);
			setTimeout(() => peer.disconnected && this.#scheduleReconnect(peer), this.#delay);
		}, this.#delay);
	}
}
