// The relay's sync engine: what the /sync sockets say, routed to the documents they concern. It binds each peer id
// to the signed-in user, serves a document only to who may read it (checked on every message in and out), tells
// nobody about a document they did not ask about on this connection, forwards live (ephemeral) messages to the
// other peers of a document, and lets a document leave memory once nobody connected has it open. With several relay
// nodes, what the others say about a document (cluster/document-fanout.ts) comes in through `fromElsewhere`.
import type { DocumentId, PeerId, SessionId } from '@automerge/automerge-repo/slim';
import { Encoder } from 'cbor-x';
import type { UserId } from '../../src/lib/model/ids.ts';
import { peerIdBelongsTo } from '../peer/ids.ts';
import type { DocumentStore } from '../storage/document-store.ts';
import { DocumentSync, type DocumentMeter, type Elsewhere, type OutgoingSync } from './document-sync.ts';
import { SharedSyncState } from './shared-sync-state.ts';
import type { Connection } from './sockets.ts';
import { errorMessage, peerMessage, type ClientFrame, type ClientRepoMessage, type RelayFrame } from './wire.ts';

/** One joined connection: a peer id bound to its user, and what it asked about on this connection. */
export interface EnginePeer {
	readonly peerId: PeerId;
	readonly userId: UserId;
	readonly connection: Connection;
	/** The documents this connection syncs (it asked, and may read them). */
	readonly documents: Set<DocumentSync<EnginePeer>>;
	/** Documents it asked about and was refused: served if access is granted while it is connected. */
	readonly refused: Set<DocumentId>;
}

export interface EngineOptions {
	store: DocumentStore;
	/** May this user receive anything of this document? Asked for every message in and out. */
	mayRead(userId: UserId, documentId: string): boolean;
	/** Puts a frame on a connection's socket (false: the socket is gone). */
	send(connection: Connection, frame: RelayFrame): void;
	/** Closes a connection that broke the protocol (its client resyncs on reconnect). */
	drop(connection: Connection, reason: string): void;
	/** Closes a connection with a refusal (a bad join). */
	refuse(connection: Connection, reason: string): void;
	relayPeerId: PeerId;
	/** May this user speak as this peer id? Default: `${userId}:${suffix}` (see peer/ids.ts). */
	peerIdAllowed?(peerId: string, userId: UserId): boolean;
	/** A document nobody connected has open leaves memory after this long. */
	idleUnloadMs: number;
	/** Changes made durable (a cross-node bus would carry them). */
	durable?(documentId: DocumentId, changes: Uint8Array): void;
	/** A peer's live message, after it went to the peers here (a cross-node bus carries it on). */
	live?(message: LiveMessage): void;
	/** A document left memory (a cross-node bus stops listening for it). */
	unloaded?(documentId: DocumentId): void;
	/** The relay's metrics (ops/metrics.ts); nothing is counted without it. */
	meter?: SyncMeter;
	log(message: string): void;
}

export type LiveMessage = Extract<ClientRepoMessage, { type: 'ephemeral' }>;

/** What the engine reports to the relay's metrics, besides each document's own (DocumentMeter). */
export interface SyncMeter extends DocumentMeter {
	/** A sync message left for a peer. */
	delivered(): void;
}

/** What the engine holds, for /health, the metrics and the benchmarks. */
export interface EngineStats {
	/** Joined connections. */
	peers: number;
	/** Documents in memory. */
	documents: number;
	/** Documents open per peer, summed: one sync state held each. */
	peerDocuments: number;
	/** Distinct sync states in memory (peers at the same point with a document share one). */
	syncStates: number;
}

/** The relay's own live messages: one session per process, numbered, as automerge-repo's receivers expect. */
const RELAY_SESSION = `relay-${process.pid}-${Date.now().toString(36)}` as SessionId;

const liveEncoder = new Encoder({ tagUint8Array: false, useRecords: false });

/** Refused document ids remembered per connection, for access granted later (a draft registered while online). */
const MAX_REFUSED = 1000;

export class SyncEngine {
	readonly #options: EngineOptions;
	readonly #peers = new Map<Connection, EnginePeer>();
	readonly #documents = new Map<DocumentId, DocumentSync<EnginePeer>>();
	readonly #sweep: ReturnType<typeof setInterval>;
	#liveCount = 0;

	constructor(options: EngineOptions) {
		this.#options = options;
		this.#sweep = setInterval(() => this.#unloadIdle(), Math.max(50, Math.min(options.idleUnloadMs / 4, 5000)));
		this.#sweep.unref?.();
	}

	/** A frame from a connection, already checked by the wire parser. */
	receive(connection: Connection, frame: Exclude<ClientFrame, { kind: 'invalid' }>): void {
		if (frame.kind === 'join') return this.#join(connection, frame.senderId, frame.protocolSupported);
		const peer = this.#peers.get(connection);
		// Every later frame speaks as the peer id this socket joined with, and only to the relay.
		const senderId = frame.kind === 'message' ? frame.message.senderId : frame.senderId;
		// automerge-repo passes a live message it received on to its other peers, the relay included: the relay
		// already forwarded it, so that echo is ignored rather than taken for someone speaking as another peer.
		if (frame.kind === 'message' && frame.message.type === 'ephemeral' && peer && senderId !== peer.peerId) return;
		if (!peer || senderId !== peer.peerId) return this.#options.drop(connection, `sender ${senderId} is not its peer`);
		if (frame.kind !== 'message' || frame.message.targetId !== this.#options.relayPeerId) return;
		const message = frame.message;
		switch (message.type) {
			case 'sync':
			case 'request':
				return this.#sync(peer, message);
			case 'ephemeral':
				return this.#forwardEphemeral(peer, message);
			case 'doc-unavailable':
				return; // a client without the document: nothing to do for a relay that asks nobody
		}
	}

	/** The connection is gone: its peer and sync states go with it. */
	disconnected(connection: Connection): void {
		const peer = this.#peers.get(connection);
		if (!peer) return;
		this.#peers.delete(connection);
		for (const document of peer.documents) document.removePeer(peer);
		peer.documents.clear();
	}

	/** Access was granted (a registration, members or documents added): serve those who asked and now may read. */
	accessChanged(documentIds: readonly string[]): void {
		for (const id of documentIds as DocumentId[]) {
			for (const peer of this.#peers.values()) {
				if (!peer.refused.has(id) || !this.#mayRead(peer.userId, id)) continue;
				peer.refused.delete(id);
				const document = this.#open(id);
				peer.documents.add(document);
				document.begin(peer);
			}
		}
	}

	/** These users lost these documents: nothing more of them reaches them, live messages included. */
	accessRevoked(userIds: readonly UserId[], documentIds: readonly string[]): void {
		for (const id of documentIds) {
			const document = this.#documents.get(id as DocumentId);
			if (!document) continue;
			for (const peer of [...document.peers()]) {
				if (!userIds.includes(peer.userId)) continue;
				document.removePeer(peer);
				peer.documents.delete(document);
			}
		}
	}

	/**
	 * Sends a live message of the relay's own on each person's document to that person's connections that have it open
	 * (a person's own document: nobody else may read it). A connection that has not opened it hears nothing: it asks
	 * the API anyway when it connects.
	 */
	tell(notices: readonly { userId: UserId; documentId: string }[], message: unknown): void {
		const data = new Uint8Array(liveEncoder.encode(message));
		for (const { userId, documentId } of notices) {
			const document = this.#documents.get(documentId as DocumentId);
			if (!document || !this.#mayRead(userId, documentId)) continue;
			for (const peer of document.peers()) {
				if (peer.userId !== userId) continue;
				const base = { type: 'ephemeral' as const, senderId: this.#options.relayPeerId, targetId: peer.peerId, documentId: documentId as DocumentId };
				this.#options.send(peer.connection, { ...base, data, count: ++this.#liveCount, sessionId: RELAY_SESSION });
			}
		}
	}

	/**
	 * What another relay node said about a document: a live message goes to the peers here that may read it; the
	 * rest (changes, heads, reload: see Elsewhere) to the document, if it is in memory (else it loads from the store
	 * when someone opens it). Without a document id: every document in memory reloads (the bus was down).
	 */
	fromElsewhere(documentId: DocumentId | null, news: Elsewhere | { kind: 'live'; message: LiveMessage }): void {
		if (documentId === null) {
			for (const document of this.#documents.values()) document.fromElsewhere({ kind: 'reload' });
			return;
		}
		const document = this.#documents.get(documentId);
		if (!document) return;
		if (news.kind !== 'live') return document.fromElsewhere(news);
		for (const peer of document.peers())
			if (this.#mayRead(peer.userId, documentId)) this.#options.send(peer.connection, { ...news.message, targetId: peer.peerId });
	}

	/** The heads of a document in memory (undefined when it is not). */
	headsOf(documentId: DocumentId): readonly string[] | undefined {
		return this.#documents.get(documentId)?.heads();
	}

	/** The whole document if it is in memory (for compaction), else undefined. */
	snapshotOf(documentId: string): Uint8Array | undefined {
		return this.#documents.get(documentId as DocumentId)?.save();
	}

	/** Walks the peers (at a scrape, not per message). */
	stats(): EngineStats {
		let peerDocuments = 0;
		for (const peer of this.#peers.values()) peerDocuments += peer.documents.size;
		return { peers: this.#peers.size, documents: this.#documents.size, peerDocuments, syncStates: SharedSyncState.live };
	}

	/** Unloads every document (the relay is stopping; the store was flushed). */
	close(): void {
		clearInterval(this.#sweep);
		for (const document of this.#documents.values()) document.dispose();
		this.#documents.clear();
		this.#peers.clear();
	}

	#join(connection: Connection, peerId: PeerId, protocolSupported: boolean): void {
		const { relayPeerId, store } = this.#options;
		const existing = this.#peers.get(connection);
		if (existing) {
			// A repeated join on the same socket is the client's heartbeat: answered at once, no document touched.
			// A different peer id is a spoof.
			if (existing.peerId !== peerId) return this.#options.drop(connection, 'a second join with another peer id');
			return this.#options.send(connection, peerMessage(relayPeerId, { storageId: store.storageId() as never, isEphemeral: false }, peerId));
		}
		const allowed = this.#options.peerIdAllowed ?? ((id: string, user: UserId) => peerIdBelongsTo(id, user, ':'));
		if (!allowed(peerId, connection.userId)) return this.#refuse(connection, peerId, `peer id must be "${connection.userId}:<suffix>"`);
		if (!protocolSupported) return this.#refuse(connection, peerId, 'unsupported protocol version');
		// A reconnect whose old socket is not closed yet: the new one replaces it.
		for (const [other, peer] of this.#peers) if (peer.peerId === peerId) this.#options.drop(other, 'replaced by a new connection of the same peer');
		connection.joined = true;
		this.#peers.set(connection, { peerId, userId: connection.userId, connection, documents: new Set(), refused: new Set() });
		this.#options.send(connection, peerMessage(relayPeerId, { storageId: store.storageId() as never, isEphemeral: false }, peerId));
	}

	#refuse(connection: Connection, peerId: PeerId, reason: string): void {
		this.#options.send(connection, errorMessage(this.#options.relayPeerId, peerId, reason));
		this.#options.refuse(connection, 'refused');
	}

	#sync(peer: EnginePeer, message: Extract<ClientRepoMessage, { type: 'sync' | 'request' }>): void {
		const { documentId } = message;
		if (!this.#mayRead(peer.userId, documentId)) {
			// Says nothing about whether it exists; remembered in case access is granted while connected.
			if (peer.refused.size >= MAX_REFUSED) peer.refused.delete(peer.refused.values().next().value!);
			peer.refused.add(documentId);
			return this.#deliver(peer, documentId, { type: 'doc-unavailable' });
		}
		const document = this.#open(documentId);
		peer.documents.add(document);
		document.receive(peer, message.type, message.data);
	}

	/**
	 * Live messages (pointers, strokes being drawn, who is in a call) go straight to the other peers that have the
	 * document open, in the order they came: a receiver drops every live message older than one it already has.
	 */
	#forwardEphemeral(from: EnginePeer, message: Extract<ClientRepoMessage, { type: 'ephemeral' }>): void {
		if (!this.#mayRead(from.userId, message.documentId)) return;
		const document = this.#documents.get(message.documentId);
		if (!document?.hasPeer(from)) return;
		for (const peer of document.peers()) {
			if (peer === from || !this.#mayRead(peer.userId, message.documentId)) continue;
			this.#options.send(peer.connection, { ...message, targetId: peer.peerId });
		}
		this.#options.live?.(message);
	}

	#open(documentId: DocumentId): DocumentSync<EnginePeer> {
		let document = this.#documents.get(documentId);
		if (document) return document;
		document = new DocumentSync<EnginePeer>(documentId, this.#options.store.load(documentId), {
			deliver: (peer, message) => this.#deliver(peer, documentId, message),
			invalid: (peer, reason) => this.#options.drop(peer.connection, reason),
			persist: (id, changes) => this.#options.store.append(id, changes),
			durable: this.#options.durable,
			reload: (id) => this.#options.store.load(id),
			meter: this.#options.meter,
			unloadable: (id, peers) => {
				if (this.#documents.get(id) === document) {
					this.#documents.delete(id);
					this.#options.unloaded?.(id);
				}
				for (const peer of peers) this.#options.drop(peer.connection, `${id} could not be loaded`);
			},
			log: this.#options.log
		});
		this.#documents.set(documentId, document);
		return document;
	}

	/** The last check before anything of a document leaves the relay: queued while a member, sent after a removal? */
	#deliver(peer: EnginePeer, documentId: DocumentId, message: OutgoingSync): void {
		if (this.#peers.get(peer.connection) !== peer) return; // the connection is gone
		if (message.type !== 'doc-unavailable' && !this.#mayRead(peer.userId, documentId)) return;
		const base = { senderId: this.#options.relayPeerId, targetId: peer.peerId, documentId };
		if (message.type === 'doc-unavailable') return this.#options.send(peer.connection, { ...base, type: 'doc-unavailable' });
		this.#options.meter?.delivered();
		this.#options.send(peer.connection, { ...base, type: message.type, data: message.data });
	}

	#mayRead(userId: UserId, documentId: string): boolean {
		try {
			return this.#options.mayRead(userId, documentId);
		} catch (error) {
			this.#options.log(`Access check for ${documentId} failed: ${String(error)}`);
			return false;
		}
	}

	#unloadIdle(): void {
		const before = Date.now() - this.#options.idleUnloadMs;
		for (const [id, document] of this.#documents) {
			const since = document.idleSince();
			if (since === null || since > before) continue;
			document.dispose();
			this.#documents.delete(id);
			this.#options.unloaded?.(id);
		}
	}
}
