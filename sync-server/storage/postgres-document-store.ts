// The document store in PostgreSQL (DATABASE_URL), for relay nodes that share one database: the same guarantees as
// the log in DATA_DIR (document-store.ts), with a COMMIT where the log has fdatasync.
//
// Group commit: appends made while a batch is being inserted form the next batch, inserted with one statement (its
// own transaction, so one COMMIT, one WAL flush) as soon as the previous one is done: latency is about one commit
// and batches grow with load. `document_changes` orders every change by a global sequence; a load reads the
// document's snapshot and its changes in one statement, so compaction committing meanwhile cannot split them.
// Compaction, in the background: per document, in one transaction under an advisory lock on the document (two nodes
// never fold the same changes at once), Automerge loads the snapshot and changes, its save() becomes the new
// snapshot, and exactly the changes it read are deleted; changes appended meanwhile stay. A database that cannot be
// reached rejects the batch's appends (StoreUnavailable): nothing is acknowledged, and the next batch tries again.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import type { Pool } from 'pg';
import { backend } from './automerge-backend.ts';
import type { DocumentStore } from './document-store.ts';
import { describeError, sharedSetting, unavailable } from './postgres-database.ts';
import { inTransaction } from './postgres-transaction.ts';

export interface PostgresDocumentStoreOptions {
	pool: Pool;
	/** A change waits about this long at most before a compaction round looks at its document. Default 30 s. */
	compactAfterMs?: number;
	/**
	 * A round compacts a document once it has this many changes, or changes adding up to half its snapshot's size
	 * (a long conversation getting a message a minute is not rewritten whole every round). Default 64.
	 */
	compactAtChanges?: number;
	log?: (message: string) => void;
	/** The storage id to keep if the database has none yet (a migrated relay's); default a new one. */
	initialStorageId?: string;
}

export interface PostgresDocumentStoreStats {
	appends: number;
	/** Batches inserted, each one COMMIT. */
	commits: number;
	lastCommitMs: number;
	/** Batches the database refused or could not be reached for. */
	failedCommits: number;
	compactedDocuments: number;
	lastCompactionMs: number;
}

export interface PostgresDocumentStore extends DocumentStore {
	/** Compacts every document with changes (not only those over the round's threshold); resolves when done. */
	compactNow(): Promise<void>;
	stats(): PostgresDocumentStoreStats;
}

interface Pending {
	documentId: string;
	/** Empty for an append that only waits for the batch. */
	changes: Uint8Array;
	resolve(): void;
	reject(error: unknown): void;
}

const DEFAULTS = { compactAfterMs: 30_000, compactAtChanges: 64 };

const INSERT_BATCH = `INSERT INTO document_changes (document_id, bytes)
	SELECT document_id, bytes FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS batch(document_id, bytes, n) ORDER BY n`;
/** Snapshot first, then the changes in the order they were appended: one statement, one view of the table. */
const LOAD = `SELECT bytes FROM (
		SELECT 0 AS part, 0::bigint AS seq, bytes FROM document_snapshots WHERE document_id = $1
		UNION ALL SELECT 1, seq, bytes FROM document_changes WHERE document_id = $1
	) AS chunks ORDER BY part, seq`;
const DUE = `SELECT c.document_id FROM document_changes c LEFT JOIN document_snapshots s USING (document_id)
	GROUP BY c.document_id, s.size HAVING count(*) >= $1 OR 2 * sum(octet_length(c.bytes)) >= coalesce(s.size, 0)`;

export async function openPostgresDocumentStore(options: PostgresDocumentStoreOptions): Promise<PostgresDocumentStore> {
	const storageId = await sharedSetting(options.pool, 'storage-id', () => options.initialStorageId ?? randomUUID()).catch((error: unknown) => {
		throw unavailable(error, 'Reading the storage id');
	});
	return new PostgresDocumentStoreImpl(options, storageId);
}

class PostgresDocumentStoreImpl implements PostgresDocumentStore {
	readonly #pool: Pool;
	readonly #options: Required<Omit<PostgresDocumentStoreOptions, 'pool' | 'initialStorageId'>>;
	readonly #storageId: string;
	#queue: Pending[] = [];
	#flushing: Promise<void> | undefined;
	#failing = false;
	#ageTimer: NodeJS.Timeout | undefined;
	#round: Promise<void> | undefined;
	#closed = false;
	#closing: Promise<void> | undefined;
	readonly #stats: PostgresDocumentStoreStats = { appends: 0, commits: 0, lastCommitMs: 0, failedCommits: 0, compactedDocuments: 0, lastCompactionMs: 0 };

	constructor(options: PostgresDocumentStoreOptions, storageId: string) {
		this.#pool = options.pool;
		this.#options = { ...DEFAULTS, log: () => {}, ...options };
		this.#storageId = storageId;
	}

	storageId(): string {
		return this.#storageId;
	}

	append(documentId: DocumentId, changes: Uint8Array): Promise<void> {
		if (this.#closed) return Promise.reject(new Error('The document store is closed.'));
		return new Promise((resolve, reject) => {
			this.#queue.push({ documentId, changes, resolve, reject });
			this.#flushing ??= this.#flushLoop();
		});
	}

	async load(documentId: DocumentId): Promise<Uint8Array[] | undefined> {
		if (this.#closed) throw new Error('The document store is closed.');
		try {
			const { rows } = await this.#pool.query<{ bytes: Buffer }>(LOAD, [documentId]);
			return rows.length > 0 ? rows.map((r) => r.bytes) : undefined;
		} catch (error) {
			throw unavailable(error, `Loading document ${documentId}`);
		}
	}

	compactNow(): Promise<void> {
		if (this.#closed) return Promise.reject(new Error('The document store is closed.'));
		return this.#compactRound(0);
	}

	stats(): PostgresDocumentStoreStats {
		return { ...this.#stats };
	}

	close(): Promise<void> {
		this.#closed = true;
		return (this.#closing ??= (async () => {
			clearTimeout(this.#ageTimer);
			await this.#flushing;
			await this.#round?.catch(() => {});
		})());
	}

	// Group commit -------------------------------------------------------------------------------------------

	async #flushLoop(): Promise<void> {
		// The end of this turn of the event loop: its appends share the first batch.
		await nextTurn();
		while (this.#queue.length > 0) await this.#flushBatch(this.#queue.splice(0));
		this.#flushing = undefined;
	}

	async #flushBatch(batch: Pending[]): Promise<void> {
		const rows = batch.filter((p) => p.changes.length > 0);
		if (rows.length > 0) {
			const began = performance.now();
			try {
				const bytes = rows.map((p) => Buffer.from(p.changes.buffer, p.changes.byteOffset, p.changes.byteLength));
				await this.#pool.query(INSERT_BATCH, [rows.map((p) => p.documentId), bytes]);
			} catch (error) {
				this.#stats.failedCommits++;
				if (!this.#failing) this.#options.log(`Saving changes to PostgreSQL failed (${describeError(error)}); nothing of them was acknowledged.`);
				this.#failing = true;
				const refusal = unavailable(error, 'Saving changes');
				for (const pending of batch) pending.reject(refusal);
				return;
			}
			this.#stats.lastCommitMs = performance.now() - began;
			this.#stats.commits++;
			if (this.#failing) this.#options.log('Saving changes to PostgreSQL works again.');
			this.#failing = false;
			this.#ageTimer ??= setTimeout(() => this.#compactInBackground(), this.#options.compactAfterMs).unref();
		}
		this.#stats.appends += batch.length;
		for (const pending of batch) pending.resolve();
	}

	// Compaction ---------------------------------------------------------------------------------------------

	#compactInBackground(): void {
		this.#ageTimer = undefined;
		this.#compactRound(this.#options.compactAtChanges).catch((error: unknown) => this.#options.log(`Compacting documents in PostgreSQL failed: ${describeError(error)}`));
	}

	/** One round at a time; a round asked for while one runs waits for it, then runs (with its own threshold). */
	#compactRound(atChanges: number): Promise<void> {
		const round: Promise<void> = (this.#round ?? Promise.resolve())
			.catch(() => {})
			.then(async () => {
				if (this.#closed) return;
				const began = performance.now();
				const due = atChanges === 0 ? 'SELECT DISTINCT document_id FROM document_changes' : DUE;
				const { rows } = await this.#pool.query<{ document_id: string }>(due, atChanges === 0 ? [] : [atChanges]);
				for (const { document_id: documentId } of rows) {
					// Between two documents: the relay keeps serving, and a close stops the round here.
					if (this.#closed) return;
					try {
						if (await this.#compactDocument(documentId)) this.#stats.compactedDocuments++;
					} catch (error) {
						// Its changes stay in the table until a later round manages.
						this.#options.log(`Compacting document ${documentId} failed, its changes stay as they are: ${describeError(error)}`);
					}
					await nextTurn();
				}
				this.#stats.lastCompactionMs = performance.now() - began;
			})
			.finally(() => {
				if (this.#round === round) this.#round = undefined;
			});
		this.#round = round;
		return round;
	}

	/** Folds the document's changes into its snapshot; false when there was nothing to fold. */
	#compactDocument(documentId: string): Promise<boolean> {
		return inTransaction(this.#pool, async (client) => {
			await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`document:${documentId}`]);
			const changes = await client.query<{ seq: string; bytes: Buffer }>('SELECT seq, bytes FROM document_changes WHERE document_id = $1 ORDER BY seq', [documentId]);
			if (changes.rows.length === 0) return false;
			const snapshot = await client.query<{ bytes: Buffer }>('SELECT bytes FROM document_snapshots WHERE document_id = $1', [documentId]);
			const saved = saveWhole([...snapshot.rows, ...changes.rows].map((r) => r.bytes));
			await client.query(
				`INSERT INTO document_snapshots (document_id, bytes, size) VALUES ($1, $2, $3)
				ON CONFLICT (document_id) DO UPDATE SET bytes = excluded.bytes, size = excluded.size, compacted_at = now()`,
				[documentId, saved, saved.length]
			);
			// Exactly those read: a change another node committed meanwhile is not in the snapshot, and stays.
			await client.query('DELETE FROM document_changes WHERE document_id = $1 AND seq = ANY($2::bigint[])', [documentId, changes.rows.map((r) => r.seq)]);
			return true;
		});
	}
}

/**
 * The document saved whole, from its chunks, through Automerge's wasm document. Refuses (and so keeps every change)
 * when a change's dependencies are missing: save() would leave it out.
 */
function saveWhole(chunks: Buffer[]): Buffer {
	const doc = backend.create({});
	try {
		doc.loadIncremental(Buffer.concat(chunks));
		const missing = doc.getMissingDeps([]);
		if (missing.length > 0) throw new Error(`${missing.length} change(s) it depends on are missing`);
		const saved = doc.save();
		return Buffer.from(saved.buffer, saved.byteOffset, saved.byteLength);
	} finally {
		doc.free();
	}
}
