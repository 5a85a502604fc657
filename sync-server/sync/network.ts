// The relay's automerge-repo NetworkAdapter: speaks the stock WebSocket protocol (join → peer, ProtocolV1) on
// sockets the relay authenticated, binds each peer id to the signed-in user, closes a socket on any bad frame,
// checks access once more before anything leaves, and holds sync messages until their document is on disk.
import { NetworkAdapter, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo';
import type { RawData, WebSocket } from 'ws';
import type { UserId } from '../../src/lib/model/ids.ts';
import { coalesceSaves, createOutbox } from './outbox.ts';
import { SyncSockets, type Connection, type SyncSocketsOptions } from './sockets.ts';
import { peerIdBelongsTo } from '../peer/ids.ts';
import { errorMessage, parseClientFrame, peerMessage, type ClientRepoMessage } from './wire.ts';

export interface RelayAdapterOptions {
	/** May this user receive anything of this document? The last check before a message leaves the relay. */
	mayRead(userId: UserId, documentId: string): boolean;
	/** Saves the document; sync messages wait for it. Without it they go out at once (adapter contract tests). */
	save?(documentId: string): Promise<void>;
	/** May this user speak as this peer id? Default: `${userId}:${suffix}` (see peer-ids.ts). */
	peerIdAllowed?(peerId: string, userId: UserId): boolean;
	keepAliveMs?: number;
	/** A socket that has not joined after this long is dropped. */
	joinTimeoutMs?: number;
	/** A client reading slower than this much queued output is dropped (it resyncs on reconnect). */
	maxBufferedBytes?: number;
	/** What one socket may send before it is closed with 1008 (see SyncSocketsOptions). */
	socketLimits?: SyncSocketsOptions['limits'];
	log?(message: string): void;
}

export class RelayNetworkAdapter extends NetworkAdapter {
	readonly #options: RelayAdapterOptions;
	readonly #sockets: SyncSockets;
	readonly #outbox;
	/** The documents each user has asked the relay about (request or sync), on any device. */
	readonly #asked = new Map<UserId, Set<string>>();
	/** Per document, the peers that opened it here: where live (ephemeral) messages on it go. */
	readonly #watchers = new Map<string, Set<PeerId>>();
	#resolveReady!: () => void;
	readonly #ready = new Promise<void>((resolve) => (this.#resolveReady = resolve));
	#isReady = false;

	constructor(options: RelayAdapterOptions) {
		super();
		this.#options = options;
		this.#sockets = new SyncSockets({
			onMessage: (connection, data, isBinary) => this.#receive(connection, data, isBinary),
			onPeerGone: (peerId) => this.emit('peer-disconnected', { peerId }),
			keepAliveMs: options.keepAliveMs,
			joinTimeoutMs: options.joinTimeoutMs,
			limits: options.socketLimits,
			log: (message) => this.#log(message)
		});
		this.#outbox = createOutbox<Message, Connection>({
			persisted: options.save ? coalesceSaves(options.save) : undefined,
			deliver: (connection, message) => this.#deliver(connection, message),
			failed: (connection, error) => {
				this.#log(`Saving before an acknowledgement failed, dropping ${connection.peerId}: ${String(error)}`);
				this.#sockets.drop(connection);
			}
		});
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
		this.#sockets.startKeepAlive();
		this.#isReady = true;
		this.#resolveReady();
	}

	/** Drops every socket; connect() starts accepting again. */
	disconnect(): void {
		this.#isReady = false;
		this.#sockets.stop();
	}

	/** Takes over a socket the relay upgraded for this signed-in user. */
	attach(socket: WebSocket, userId: UserId): void {
		socket.on('error', (error) => this.#log(`Sync socket of ${userId}: ${error.message}`));
		if (!this.#isReady) return socket.terminate();
		this.#sockets.add(socket, userId);
	}

	/** The user behind a connected peer id; undefined once it disconnected. */
	userOf(peerId: PeerId): UserId | undefined {
		return this.#sockets.byPeer(peerId)?.userId;
	}

	/** This peer's user has asked about this document before: telling them about it reveals nothing. */
	hasAsked(peerId: PeerId, documentId: string): boolean {
		const userId = this.userOf(peerId);
		return userId !== undefined && (this.#asked.get(userId)?.has(documentId) ?? false);
	}

	disconnectUser(userId: UserId): void {
		this.#sockets.dropUser(userId);
	}

	/** These users lost these documents: they are no longer told of them (live messages included) on any socket. */
	revoke(userIds: readonly UserId[], documentIds: readonly string[]): void {
		for (const userId of userIds) for (const id of documentIds) this.#asked.get(userId)?.delete(id);
		for (const id of documentIds) {
			const peers = this.#watchers.get(id);
			for (const peerId of peers ?? []) {
				const userId = this.userOf(peerId);
				if (userId === undefined || userIds.includes(userId)) peers!.delete(peerId);
			}
		}
	}

	connectionCount(): number {
		return this.#sockets.count();
	}

	send(message: Message): void {
		const connection = this.#sockets.byPeer(message.targetId);
		if (!connection) return;
		const { documentId } = message;
		// doc-unavailable carries nothing of the document; everything else needs read access, checked now.
		if (documentId !== undefined && message.type !== 'doc-unavailable' && !this.#options.mayRead(connection.userId, documentId)) return;
		this.#outbox.push(connection, message);
	}

	#receive(connection: Connection, data: RawData, isBinary: boolean): void {
		if (!isBinary || !(data instanceof Uint8Array)) return this.#sockets.drop(connection);
		const frame = parseClientFrame(data);
		if (frame.kind === 'invalid') {
			this.#log(`Dropping a sync socket of ${connection.userId}: ${frame.reason}`);
			return this.#sockets.drop(connection);
		}
		if (frame.kind === 'join') return this.#join(connection, frame.senderId, frame.peerMetadata, frame.protocolSupported);
		// Every later frame speaks as the peer id this socket joined with, and only to the relay.
		const senderId = frame.kind === 'message' ? frame.message.senderId : frame.senderId;
		// automerge-repo passes a live message it received on to its other peers, the relay included: the relay
		// already forwarded it, so that echo is ignored rather than taken for someone speaking as another peer.
		if (frame.kind === 'message' && frame.message.type === 'ephemeral' && connection.peerId !== null && senderId !== connection.peerId) return;
		if (connection.peerId === null || senderId !== connection.peerId) {
			this.#log(`Dropping a sync socket of ${connection.userId}: sender ${senderId} is not its peer`);
			return this.#sockets.drop(connection);
		}
		if (frame.kind !== 'message' || frame.message.targetId !== this.peerId) return;
		const { type, documentId } = frame.message;
		if ((type === 'request' || type === 'sync') && documentId !== undefined) this.#noteAsked(connection, documentId);
		if (frame.message.type === 'ephemeral') return this.#forwardEphemeral(connection, frame.message);
		this.emit('message', frame.message);
	}

	/**
	 * Live messages (pointers, strokes being drawn, who is in a call) go straight to the other peers that have the
	 * document open, in the order they came. Through the Repo, its per-message asynchronous access checks can reorder
	 * a burst, and a receiver drops every live message older than one it already has: most of a stroke would vanish.
	 */
	#forwardEphemeral(from: Connection, message: Extract<ClientRepoMessage, { type: 'ephemeral' }>): void {
		if (!this.#options.mayRead(from.userId, message.documentId)) return;
		const peers = this.#watchers.get(message.documentId);
		for (const peerId of peers ?? []) {
			if (peerId === from.peerId) continue;
			if (!this.#sockets.byPeer(peerId)) peers!.delete(peerId);
			else this.send({ ...message, targetId: peerId });
		}
	}

	#join(connection: Connection, peerId: PeerId, peerMetadata: PeerMetadata, protocolSupported: boolean): void {
		const relayId = this.peerId ?? ('relay' as PeerId);
		const refuse = (reason: string) => {
			this.#sockets.send(connection, errorMessage(relayId, peerId, reason));
			this.#sockets.closeForPolicy(connection, 'refused');
		};
		if (connection.peerId !== null) {
			// A repeated join on the same socket is answered again; a different peer id is a spoof.
			if (connection.peerId !== peerId) return this.#sockets.drop(connection);
			return this.#sockets.send(connection, peerMessage(relayId, this.peerMetadata ?? {}, peerId));
		}
		const allowed = this.#options.peerIdAllowed ?? ((id: string, user: UserId) => peerIdBelongsTo(id, user, ':'));
		if (!allowed(peerId, connection.userId)) return refuse(`peer id must be "${connection.userId}:<suffix>"`);
		if (!protocolSupported) return refuse('unsupported protocol version');
		this.#sockets.bind(connection, peerId);
		this.emit('peer-candidate', { peerId, peerMetadata });
		this.#sockets.send(connection, peerMessage(relayId, this.peerMetadata ?? {}, peerId));
	}

	#noteAsked(connection: Connection, documentId: string): void {
		let documents = this.#asked.get(connection.userId);
		if (!documents) this.#asked.set(connection.userId, (documents = new Set()));
		documents.add(documentId);
		let peers = this.#watchers.get(documentId);
		if (!peers) this.#watchers.set(documentId, (peers = new Set()));
		if (connection.peerId) peers.add(connection.peerId);
	}

	#deliver(connection: Connection, message: Message): void {
		if (this.#sockets.byPeer(message.targetId) !== connection) return; // queued for a socket that is gone
		// Queued while its reader was a member, delivered after a removal: checked again as it leaves.
		const { documentId } = message;
		if (documentId !== undefined && message.type !== 'doc-unavailable' && !this.#options.mayRead(connection.userId, documentId)) return;
		if (connection.socket.bufferedAmount > (this.#options.maxBufferedBytes ?? 64 * 1024 * 1024)) {
			this.#log(`Dropping ${connection.peerId}: it does not read its messages`);
			return this.#sockets.drop(connection);
		}
		this.#sockets.send(connection, message);
	}

	#log(message: string): void {
		this.#options.log?.(message);
	}
}
