// What the sync engine keeps of each Automerge document, behind one interface: the group-committed log and
// per-document snapshots in DATA_DIR (log-store.ts, the default), or PostgreSQL for several relay nodes
// (postgres-document-store.ts: a batch of appends inserted in one transaction, snapshots in a table of their own).
// The engine never reads files itself and never decides how a batch becomes durable. Both pass the same contract
// tests (tests/integration/document-store-contract.test.ts).
//
// What every implementation guarantees:
// - Durable on resolve. `append` resolves only once its bytes survive kill -9 and a power cut (fdatasync, or the
//   COMMIT of a transaction). A rejected append is not acknowledged; its bytes may or may not be kept, and the
//   caller sends them again (Automerge ignores changes it already has).
// - Order per document. One document's appends become durable in the order they were called: one never resolves
//   before an earlier one of the same document has resolved or been rejected.
// - Load order. `load` returns every append that resolved before it was called, after the document's snapshots,
//   in an order `loadIncremental` accepts. A chunk may repeat changes another holds (after a crash mid-compaction);
//   compaction is the store's own business and changes nothing else that the engine sees.
// - One storage id for the data, for good, including the one relays before the store used.
import type { DocumentId } from '@automerge/automerge-repo/slim';

export interface DocumentStore {
	/**
	 * Everything durable about a document, in an order `loadIncremental` accepts (snapshots first, then the changes
	 * appended after them): feeding every chunk to one Automerge document rebuilds it. Feed them concatenated, in one
	 * `loadIncremental` call: a call per chunk costs 3-5 times as much for a document of 1,500 changes. `undefined`
	 * when the store has nothing of it.
	 */
	load(documentId: DocumentId): Promise<Uint8Array[] | undefined>;

	/**
	 * Appends changes of a document (Automerge change bytes, e.g. `saveSince(headsBefore)`) and resolves once they are
	 * durable. Calls made while a flush is running join the next one: one fdatasync covers every document's changes
	 * in a batch, so latency is about one fsync and batches grow with load. Rejects when the write failed (a full
	 * disk): nothing of that append is acknowledged, and later appends may still succeed.
	 */
	append(documentId: DocumentId, changes: Uint8Array): Promise<void>;

	/** The relay's storage id (announced to clients, who remember per relay what reached it); stable across restarts. */
	storageId(): string;

	/** Finishes the flush under way, stops compaction between two steps, releases files. Later calls reject. */
	close(): Promise<void>;
}
