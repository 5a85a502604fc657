// Documents across relay nodes (REDIS_URL): what one node makes durable reaches the members connected to every other
// node, and so do live messages. The path is direct: the changes a round made durable are published once, as they are;
// a node holding the document in memory merges them at the start of its next round and passes them to its peers,
// without writing them again (they are in PostgreSQL already). Nothing is published about a document nobody opened.
//
// The bus may drop messages (at most once), so nodes repair by loading from the store, never by hoping:
// - a node listens on a document's topic before it loads it, so nothing made durable elsewhere falls between;
// - a change whose dependencies never came, or a head another node announces that this one lacks, reloads the
//   document from the store and merges it (idempotent): DocumentSync does that in its round;
// - each node announces the heads of the documents it changed, every couple of seconds (cheap: one small message
//   per changed document), which repairs a message dropped while only the publishing side was cut off;
// - when the bus is back after an outage, every document in memory reloads.
import { setTimeout as delay } from 'node:timers/promises';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import type { DocumentStore } from '../storage/document-store.ts';
import type { Elsewhere } from '../sync/document-sync.ts';
import type { LiveMessage } from '../sync/engine.ts';
import { decodeNews, documentTopic, encodeNews, type DocumentNews } from './document-news.ts';
import type { NodeBus, Unsubscribe } from './node-bus.ts';

/** The engine as the fan-out sees it (SyncEngine). */
export interface FanoutEngine {
	fromElsewhere(documentId: DocumentId | null, news: Elsewhere | DocumentNews): void;
	headsOf(documentId: DocumentId): readonly string[] | undefined;
}

export interface DocumentFanoutOptions {
	bus: NodeBus;
	store: DocumentStore;
	/** How often the heads of documents changed here are announced (default 2 s). */
	headsEveryMs?: number;
	log(message: string): void;
}

export interface DocumentFanout {
	/** The store, whose `load` first listens for what other nodes say about the document. */
	readonly store: DocumentStore;
	/** The engine's hooks: changes made durable here, a live message of a peer here, a document that left memory. */
	durable(documentId: DocumentId, changes: Uint8Array): void;
	live(message: LiveMessage): void;
	unloaded(documentId: DocumentId): void;
	/** Where news from other nodes goes (the engine is made after the store it loads from). */
	attach(engine: FanoutEngine): void;
	close(): void;
}

/** A document loads after its subscription is confirmed, or after this long (then it repairs once it is). */
const SUBSCRIBE_WAIT_MS = 1000;

export function createDocumentFanout(options: DocumentFanoutOptions): DocumentFanout {
	const { bus, store, log } = options;
	let engine: FanoutEngine | undefined;
	const subscriptions = new Map<DocumentId, Promise<Unsubscribe | null>>();
	/** Documents with changes made durable here since their heads were last announced. */
	const changedHere = new Set<DocumentId>();

	const listen = (documentId: DocumentId) => {
		let subscribed = subscriptions.get(documentId);
		if (subscribed) return subscribed;
		subscribed = bus
			.subscribe(documentTopic(documentId), (payload) => {
				const news = decodeNews(payload, documentId);
				if (news) engine?.fromElsewhere(documentId, news);
				else log(`A message from another relay node about ${documentId} is not one this node reads: ignored`);
			})
			.catch((error: unknown) => {
				log(`Listening for other relay nodes' changes to ${documentId} failed: ${String(error)}`);
				return null;
			});
		subscriptions.set(documentId, subscribed);
		return subscribed;
	};

	const load = async (documentId: DocumentId) => {
		const subscribed = listen(documentId);
		const confirmed = bus.connected() && (await Promise.race([subscribed.then((u) => u !== null), delay(SUBSCRIBE_WAIT_MS, false, { ref: false })]));
		// The bus is away or slow: load now, and repair once listening, for what was made durable between.
		if (!confirmed) void subscribed.then((u) => u && subscriptions.get(documentId) === subscribed && engine?.fromElsewhere(documentId, { kind: 'reload' }));
		return store.load(documentId);
	};

	const publish = (documentId: DocumentId, news: DocumentNews) => bus.publish(documentTopic(documentId), encodeNews(news));

	const announceHeads = setInterval(() => {
		// While the bus is away, the documents stay marked and are announced once it is back.
		if (!engine || !bus.connected()) return;
		for (const documentId of changedHere) {
			const heads = engine.headsOf(documentId);
			if (heads && heads.length > 0) publish(documentId, { kind: 'heads', heads: [...heads] });
		}
		changedHere.clear();
	}, options.headsEveryMs ?? 2000);
	announceHeads.unref();
	const stopResumed = bus.onResumed(() => engine?.fromElsewhere(null, { kind: 'reload' }));

	return {
		store: { load, append: (id, changes) => store.append(id, changes), storageId: () => store.storageId(), close: () => store.close() },
		durable(documentId, changes) {
			publish(documentId, { kind: 'changes', changes });
			changedHere.add(documentId);
		},
		live: (message) => publish(message.documentId, { kind: 'live', message }),
		unloaded(documentId) {
			const subscribed = subscriptions.get(documentId);
			if (!subscribed) return;
			subscriptions.delete(documentId);
			changedHere.delete(documentId);
			void subscribed.then((unsubscribe) => unsubscribe?.());
		},
		attach(target) {
			engine = target;
		},
		close() {
			clearInterval(announceHeads);
			stopResumed();
			engine = undefined;
		}
	};
}
