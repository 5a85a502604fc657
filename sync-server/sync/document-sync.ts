// One document in the relay's memory and the peers syncing it, on Automerge's wasm sync API.
//
// Messages are taken in rounds: every message that arrived since the last round is received at once, the changes
// they brought are made durable in one append, and only then does anyone hear about the new state. What arrives
// while a round waits for the disk forms the next round, so latency is about one fsync and batches grow with load.
// After a round every peer whose state may call for a message gets one; peers holding the same sync state get the
// same bytes, computed once (see SharedSyncState), and the same acknowledgement from many peers is received once.
// With several relay nodes, what other nodes made durable is merged at the start of a round (never persisted again)
// and passed on with the round; a gap in it (a change whose dependencies never came) reloads from the store.
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { backend, forgetPatches, type Hash, type WasmDocument } from '../storage/automerge-backend.ts';
import { SharedSyncState } from './shared-sync-state.ts';

/** What the document knows of a peer: the engine's object for one joined connection. */
export interface SyncPeer {
	readonly peerId: string;
}

export type OutgoingSync = { type: 'sync' | 'request'; data: Uint8Array } | { type: 'doc-unavailable' };

export interface DocumentSyncHooks<P extends SyncPeer> {
	/** Puts a message on the peer's wire; the engine checks access once more as it leaves. */
	deliver(peer: P, message: OutgoingSync): void;
	/** The peer sent something Automerge refused: the engine closes its connection (it resyncs on reconnect). */
	invalid(peer: P, reason: string): void;
	/** Makes this document's new changes durable; resolves once they are (DocumentStore.append). */
	persist(documentId: DocumentId, changes: Uint8Array): Promise<void>;
	/** Loading the document failed (a disk error): the entry is gone and these peers, who asked, get no answer. */
	unloadable(documentId: DocumentId, peers: P[]): void;
	/** These changes are durable and about to be sent on (a cross-node bus can carry them from here). */
	durable?(documentId: DocumentId, changes: Uint8Array): void;
	/** Everything durable about the document again, for a repair (DocumentStore.load); no repair without it. */
	reload?(documentId: DocumentId): Promise<Uint8Array[] | undefined>;
	meter?: DocumentMeter;
	log(message: string): void;
}

/** What a document reports to the relay's metrics (ops/metrics.ts): a counter step or a histogram observation each. */
export interface DocumentMeter {
	/** A peer's message brought changes the document did not have. */
	changeReceived(): void;
	/** A round's changes are durable and were sent to every peer: milliseconds since its first message arrived. */
	changesDelivered(ms: number): void;
}

type Incoming<P> = { peer: P; type: 'sync' | 'request'; data: Uint8Array };

/**
 * What another relay node said about the document: changes it made durable, its heads (any missing here means a
 * message between nodes was lost), or "reload" (the bus was down: anything may have been lost).
 */
export type Elsewhere = { kind: 'changes'; changes: Uint8Array } | { kind: 'heads'; heads: Hash[] } | { kind: 'reload' };

/** Messages this small are compared by their bytes to reuse a receive (acknowledgements are ~100 bytes). */
const MEMO_MAX_BYTES = 1024;
/** A failed append is tried again after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

export class DocumentSync<P extends SyncPeer> {
	readonly documentId: DocumentId;
	readonly #hooks: DocumentSyncHooks<P>;
	#doc: WasmDocument | undefined;
	#heads: Hash[] = [];
	#headsKey = '';
	/** Bumped whenever the document changes: memos are only valid within one version. */
	#version = 0;
	readonly #peers = new Map<P, SharedSyncState>();
	#queue: Incoming<P>[] = [];
	#elsewhere: Elsewhere[] = [];
	#busy = true; // until loaded
	#scheduled = false;
	#disposed = false;
	/** `${state id}:${message bytes}` → the state that receiving that message gives. */
	readonly #receiveMemo = new Map<string, SharedSyncState>();
	/** state id → the state after generating, and the message (null: nothing to say). */
	readonly #generateMemo = new Map<number, { next: SharedSyncState; message: Uint8Array | null }>();
	/** Peers that asked while the relay had nothing and were told so; they get the document when it arrives. */
	readonly #told = new Set<P>();
	/** Peers the relay began syncing with while busy: they are sent their first message when it is done. */
	readonly #begun = new Set<P>();
	#lastUsed = Date.now();
	/** When the oldest message waiting for the next round arrived (performance.now()). */
	#queuedAt = 0;

	constructor(documentId: DocumentId, load: Promise<Uint8Array[] | undefined>, hooks: DocumentSyncHooks<P>) {
		this.documentId = documentId;
		this.#hooks = hooks;
		load.then(
			(chunks) => this.#loaded(chunks),
			(error: unknown) => {
				// Never serve it as empty: peers would be told the relay has nothing. They retry on reconnect.
				hooks.log(`Loading ${documentId} failed: ${String(error)}`);
				const waiting = new Set(this.#queue.map((m) => m.peer));
				this.dispose();
				hooks.unloadable(documentId, [...waiting]);
			}
		);
	}

	/** A peer's sync or request message; answered after the next round. */
	receive(peer: P, type: 'sync' | 'request', data: Uint8Array): void {
		if (this.#disposed) return;
		this.#lastUsed = Date.now();
		if (this.#queue.length === 0) this.#queuedAt = performance.now();
		this.#queue.push({ peer, type, data });
		this.#schedule();
	}

	/** What another relay node said (see Elsewhere): merged at the start of the next round, then passed on. */
	fromElsewhere(news: Elsewhere): void {
		if (this.#disposed) return;
		this.#elsewhere.push(news);
		this.#schedule();
	}

	/** The heads this node holds (empty until loaded). */
	heads(): readonly Hash[] {
		return this.#heads;
	}

	/** The relay starts syncing with a peer that asked before it could be served (access granted since). */
	begin(peer: P): void {
		if (this.#disposed || this.#peers.has(peer)) return;
		this.#peers.set(peer, SharedSyncState.initial.retain());
		this.#lastUsed = Date.now();
		// Never from a state that is not durable yet: a round under way sends it with the others.
		if (this.#busy) this.#begun.add(peer);
		else this.#pass([peer]);
	}

	/** The peer left (disconnected, or lost access): its sync state goes with it. */
	removePeer(peer: P): void {
		const state = this.#peers.get(peer);
		if (state) {
			this.#peers.delete(peer);
			state.release();
		}
		this.#told.delete(peer);
		this.#begun.delete(peer);
		this.#lastUsed = Date.now();
	}

	hasPeer(peer: P): boolean {
		return this.#peers.has(peer);
	}

	peers(): IterableIterator<P> {
		return this.#peers.keys();
	}

	/** Nobody has it open and nothing is under way: it may leave memory once idle long enough. */
	idleSince(): number | null {
		return this.#peers.size === 0 && !this.#busy && this.#queue.length === 0 && this.#elsewhere.length === 0 ? this.#lastUsed : null;
	}

	/** The whole document as one chunk (for compaction), or undefined while it is not loaded. */
	save(): Uint8Array | undefined {
		return this.#doc?.save();
	}

	/** Leaves memory. Only when idleSince() is not null, or at shutdown. */
	dispose(): void {
		if (this.#disposed) return;
		this.#disposed = true;
		this.#clearMemos();
		for (const state of this.#peers.values()) state.release();
		this.#peers.clear();
		this.#queue = [];
		this.#elsewhere = [];
		this.#doc?.free();
		this.#doc = undefined;
	}

	#loaded(chunks: Uint8Array[] | undefined): void {
		if (this.#disposed) return;
		const doc = backend.create({});
		loadChunks(doc, chunks ?? [], (message) => this.#hooks.log(`${this.documentId}: ${message}`));
		forgetPatches(doc); // chunks loaded one by one into a non-empty document leave patch events behind
		this.#doc = doc;
		this.#setHeads(doc.getHeads());
		this.#busy = false;
		this.#pass(this.#takeBegun());
		this.#schedule();
	}

	#takeBegun(): P[] {
		const begun = [...this.#begun];
		this.#begun.clear();
		return begun;
	}

	#schedule(): void {
		if (this.#busy || this.#scheduled || (this.#queue.length === 0 && this.#elsewhere.length === 0)) return;
		this.#scheduled = true;
		// setImmediate: the messages of every socket read in this turn of the event loop share the round.
		setImmediate(() => {
			this.#scheduled = false;
			if (!this.#busy && !this.#disposed) void this.#round();
		});
	}

	async #round(): Promise<void> {
		this.#busy = true;
		const doc = this.#doc!;
		const mergedFrom = this.#headsKey;
		if (this.#elsewhere.length > 0) await this.#mergeElsewhere(doc);
		if (this.#disposed) return;
		const batch = this.#queue;
		const queuedAt = this.#queuedAt;
		this.#queue = [];
		const before = this.#heads;
		const beforeKey = this.#headsKey;
		const answer = new Set<P>();
		const unavailable = new Set<P>();
		for (const { peer, type, data } of batch) {
			if (!this.#peers.has(peer)) this.#peers.set(peer, SharedSyncState.initial.retain());
			if (!this.#receiveOne(doc, peer, data)) continue;
			// A peer asking for a document the relay does not have is told so (and gets it if it ever arrives).
			if (type === 'request' && this.#heads.length === 0) unavailable.add(peer);
			else answer.add(peer);
		}
		const changed = this.#headsKey !== beforeKey;
		if (changed) {
			const changes = doc.saveSince(before);
			await this.#persist(changes);
			if (this.#disposed) return;
			this.#hooks.durable?.(this.documentId, changes);
		}
		for (const peer of unavailable) {
			if (this.#told.has(peer) || !this.#peers.has(peer)) continue;
			this.#told.add(peer);
			this.#hooks.deliver(peer, { type: 'doc-unavailable' });
		}
		// New changes (here or from another node) may concern every peer; otherwise only those who spoke (or were just
		// begun with) need a message.
		this.#pass(changed || beforeKey !== mergedFrom ? [...this.#peers.keys()] : [...answer, ...this.#takeBegun()]);
		if (changed) this.#hooks.meter?.changesDelivered(performance.now() - queuedAt);
		this.#begun.clear();
		this.#busy = false;
		this.#schedule();
	}

	/**
	 * Merges what other nodes said, already durable (so not persisted again). A change whose dependencies are missing
	 * after it, a head this node lacks, or a "reload" means something between nodes was lost: everything durable is
	 * loaded from the store and merged (Automerge ignores what it has). A failed reload is tried again later.
	 */
	async #mergeElsewhere(doc: WasmDocument): Promise<void> {
		const news = this.#elsewhere;
		this.#elsewhere = [];
		let reload = false;
		for (const item of news) {
			if (item.kind === 'reload') reload = true;
			else if (item.kind === 'heads') reload ||= doc.getMissingDeps(item.heads).length > 0;
			else
				try {
					doc.loadIncremental(item.changes);
				} catch (error) {
					this.#hooks.log(`${this.documentId}: changes from another relay node did not load (${String(error)}); reloading`);
					reload = true;
				}
		}
		if ((reload || doc.getMissingDeps([]).length > 0) && this.#hooks.reload) {
			try {
				const chunks = await this.#hooks.reload(this.documentId);
				if (this.#disposed) return;
				loadChunks(doc, chunks ?? [], (message) => this.#hooks.log(`${this.documentId}: ${message}`));
			} catch (error) {
				this.#hooks.log(`Reloading ${this.documentId} to repair it failed, trying again in ${RETRY_MAX_MS} ms: ${String(error)}`);
				setTimeout(() => this.fromElsewhere({ kind: 'reload' }), RETRY_MAX_MS).unref();
			}
		}
		this.#noteHeads(doc);
	}

	/** Receives one message into the peer's state; false when Automerge refused it (the peer is dropped). */
	#receiveOne(doc: WasmDocument, peer: P, data: Uint8Array): boolean {
		const current = this.#peers.get(peer)!;
		const key = data.byteLength <= MEMO_MAX_BYTES ? `${current.id}:${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1')}` : null;
		const known = key === null ? undefined : this.#receiveMemo.get(key);
		if (known) {
			this.#hold(peer, known);
			return true;
		}
		const next = SharedSyncState.copyOf(current);
		const version = this.#version;
		try {
			doc.receiveSyncMessage(next.state, data);
		} catch (error) {
			next.discard();
			this.#noteHeads(doc); // what applied before the failure is kept (and persisted by the round)
			this.#hooks.invalid(peer, `its sync message for ${this.documentId} was refused: ${String(error)}`);
			this.removePeer(peer);
			return false;
		}
		this.#noteHeads(doc);
		if (this.#version !== version) this.#hooks.meter?.changeReceived();
		// The same message from the same state gives the same state, as long as the document did not change.
		if (key !== null && this.#version === version) this.#receiveMemo.set(key, next.retain());
		this.#hold(peer, next);
		return true;
	}

	/** Sends each of these peers what its state calls for, computed once per distinct state. */
	#pass(peers: Iterable<P>): void {
		const doc = this.#doc!;
		const type = this.#heads.length === 0 ? 'request' : 'sync';
		for (const peer of peers) {
			const state = this.#peers.get(peer);
			if (!state) continue;
			let result = this.#generateMemo.get(state.id);
			if (!result) {
				const next = SharedSyncState.copyOf(state);
				result = { next: next.retain(), message: doc.generateSyncMessage(next.state) };
				this.#generateMemo.set(state.id, result);
			}
			this.#hold(peer, result.next);
			if (result.message) {
				this.#told.delete(peer);
				this.#hooks.deliver(peer, { type, data: result.message });
			}
		}
	}

	async #persist(changes: Uint8Array): Promise<void> {
		for (let delay = RETRY_FIRST_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
			try {
				return await this.#hooks.persist(this.documentId, changes);
			} catch (error) {
				// Nothing of it is acknowledged meanwhile; clients keep their changes and the round resumes by itself.
				this.#hooks.log(`Saving changes of ${this.documentId} failed, trying again in ${delay} ms: ${String(error)}`);
				await new Promise((resolve) => setTimeout(resolve, delay).unref());
				if (this.#disposed) return;
			}
		}
	}

	#hold(peer: P, state: SharedSyncState): void {
		const previous = this.#peers.get(peer);
		if (previous === state) return;
		this.#peers.set(peer, state.retain());
		previous?.release();
	}

	#noteHeads(doc: WasmDocument): void {
		const heads = doc.getHeads();
		const key = heads.join(',');
		if (key === this.#headsKey) return;
		forgetPatches(doc); // what was just applied (from a peer, another node or the store) left patch events
		this.#setHeads(heads);
		this.#version++;
		this.#clearMemos();
	}

	#setHeads(heads: Hash[]): void {
		this.#heads = heads;
		this.#headsKey = heads.join(',');
	}

	#clearMemos(): void {
		for (const state of this.#receiveMemo.values()) state.release();
		this.#receiveMemo.clear();
		for (const { next } of this.#generateMemo.values()) next.release();
		this.#generateMemo.clear();
	}
}

/**
 * Feeds stored chunks to a document in one call (a log holds hundreds of small ones, and one call each costs several
 * times as much); if the whole refuses, chunk by chunk, so one damaged chunk costs only itself.
 */
function loadChunks(doc: WasmDocument, chunks: Uint8Array[], log: (message: string) => void): void {
	if (chunks.length === 0) return;
	try {
		doc.loadIncremental(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
		return;
	} catch (error) {
		log(`the stored chunks did not load together (${String(error)}); loading them one by one`);
	}
	for (const chunk of chunks) {
		try {
			doc.loadIncremental(chunk);
		} catch (error) {
			log(`a stored chunk did not load: ${String(error)}`);
		}
	}
}
