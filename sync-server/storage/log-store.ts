// The relay's document store: one append-only log shared by every document, made durable by one fdatasync per
// batch (group commit), and compacted in the background into per-document chunk files in automerge-repo's layout
// (DATA_DIR/automerge), where relays before it kept their documents and where it still reads them.
//
// Appends made while a batch is being written form the next batch, flushed as soon as the disk is done with the
// previous one: latency is about one fsync, and batches grow with load. At start the log's segments are scanned
// into an index of where each document's records are (a torn last record is cut), so nothing of a document
// is held in memory but that. Compaction seals the segment being written, moves each document's records into a
// chunk file (log-compaction.ts), and deletes a segment once no record in it is left; a crash at any step loses
// nothing. One writer per directory is the caller's job (data-lock.ts). A backup holds the files still (`hold()`):
// compaction waits between two steps, appends go on, and the backup copies each segment up to its last
// acknowledged record (sync-server/backup/).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { documentFiles, isMissing, keyPath, makeDirectory, writeFileDurably } from './chunk-files.ts';
import type { DocumentStore } from './document-store.ts';
import { compactDocument, type CompactionStep } from './log-compaction.ts';
import { LogIndex, type LogEntry } from './log-index.ts';
import { encodeRecord, HEADER_BYTES } from './log-record.ts';
import { createSegment, listSegments, readSpan, scanSegment, segmentFile, writeSpan, type Segment } from './log-segment.ts';

export type { CompactionStep } from './log-compaction.ts';

export interface LogStoreOptions {
	/** DATA_DIR/automerge: the log goes to its `log/` folder, compacted documents to the chunk layout beside it. */
	directory: string;
	/** A segment this large is sealed and compacted; the next batch starts a new one. Default 64 MiB. */
	segmentBytes?: number;
	/** A record waits about this long at most before compaction takes it (a quiet relay too). Default 30 s. */
	compactAfterMs?: number;
	/**
	 * The document saved whole (`save()`), if the caller holds it in memory with every change appended for it so
	 * far; compaction then need not load it. `undefined` makes compaction load it.
	 */
	snapshotOf?: (documentId: DocumentId) => Uint8Array | undefined;
	log?: (message: string) => void;
	/** The relay's metrics (ops/metrics.ts): told of every batch written, or failed. */
	meter?: LogStoreMeter;
	/** Tests: awaited at each named step of compaction, to hold the relay there (and kill it) or make the step fail. */
	compactionStep?: (step: CompactionStep, documentId?: string) => Promise<void> | void;
}

export interface LogStoreStats {
	/** Bytes in every segment of the log (records not compacted yet, and those of segments not yet deleted). */
	logBytes: number;
	segments: number;
	documentsAwaitingCompaction: number;
	recordsAwaitingCompaction: number;
	appends: number;
	/** Batches written, each with one fdatasync. */
	fsyncs: number;
	lastFsyncMs: number;
	/** Documents compacted since the store opened, and the time the last full round took. */
	compactedDocuments: number;
	lastCompactionMs: number;
}

/** What the log reports to the relay's metrics: a histogram observation or a counter step each. */
export interface LogStoreMeter {
	/** A batch was written and fdatasync'ed: milliseconds both took. */
	flushed(ms: number): void;
	/** Writing a batch failed (a full disk, EIO): nothing of it was acknowledged. */
	flushFailed(): void;
}

export interface LogStore extends DocumentStore {
	/** Seals the current segment and compacts every record appended before the call; resolves when done. */
	compactNow(): Promise<void>;
	/**
	 * Holds the files still for a backup: compaction stops between two steps (appends go on) until `release()`, and
	 * the answer says how many bytes of each segment hold acknowledged records at this moment.
	 */
	hold(): Promise<LogHold>;
	stats(): LogStoreStats;
	/** Every document the store holds something of, compacted or in the log, in no particular order (migrate lists them). */
	documentIds(): Promise<string[]>;
}

/**
 * What a backup copies while it holds the store: every chunk file in the directory (none changes or goes until
 * `release()`), and of each segment the bytes listed here, every append acknowledged before `hold()` was called.
 */
export interface LogHold {
	/** Absolute paths and the length of their whole records, oldest first. */
	segments: Array<{ file: string; bytes: number }>;
	/** How long the hold waited for a compaction step under way (appends were never stopped). */
	waitedMs: number;
	release(): void;
}

const DEFAULTS = { segmentBytes: 64 * 1024 * 1024, compactAfterMs: 30_000 };
/** Records of one document closer than this in a segment are read in one go. */
const READ_GAP_BYTES = 64 * 1024;

interface Pending {
	documentId: string;
	/** Undefined for an empty append, which only waits for the batch. */
	record: Buffer | undefined;
	resolve(): void;
	reject(error: unknown): void;
}

export async function openLogStore(options: LogStoreOptions): Promise<LogStore> {
	const store = new LogStoreImpl(options);
	await store.open();
	return store;
}

class LogStoreImpl implements LogStore {
	readonly #options: Required<Pick<LogStoreOptions, 'segmentBytes' | 'compactAfterMs' | 'log'>> & LogStoreOptions;
	readonly #directory: string;
	readonly #logDirectory: string;
	readonly #index = new LogIndex();
	/** Every segment still on disk, sealed ones and the current one (the highest number). */
	readonly #segments = new Map<number, Segment>();
	#current!: Segment;
	#storageId = '';
	#queue: Pending[] = [];
	#rotations: Array<() => void> = [];
	#flushing: Promise<void> | undefined;
	#failing = false;
	#ageTimer: NodeJS.Timeout | undefined;
	#round: Promise<void> | undefined;
	#nextRound: Promise<void> | undefined;
	/** Per document, the load or compaction under way: they never overlap (compaction removes what a load reads). */
	readonly #locks = new Map<string, Promise<unknown>>();
	#closed = false;
	#closing: Promise<void> | undefined;
	/** Set while a backup holds the files: compaction waits for it between two steps. */
	#held: { count: number; released: Promise<void>; resume(): void } | undefined;
	/** The compaction step under way (one document, or deleting a segment): a hold waits for it to end. */
	#stepping: Promise<unknown> | undefined;
	readonly #stats = { appends: 0, fsyncs: 0, lastFsyncMs: 0, compactedDocuments: 0, lastCompactionMs: 0 };

	constructor(options: LogStoreOptions) {
		this.#options = { ...DEFAULTS, log: () => {}, ...options };
		this.#directory = options.directory;
		this.#logDirectory = path.join(options.directory, 'log');
	}

	async open(): Promise<void> {
		await makeDirectory(this.#logDirectory);
		this.#storageId = await readOrCreateStorageId(this.#directory);
		const numbers = await listSegments(this.#logDirectory);
		for (const number of numbers) {
			const { segment, cut } = await scanSegment(this.#logDirectory, number, (documentId, position, length) => this.#index.add(documentId, { segment: number, position, length }));
			if (cut) this.#options.log(`${path.basename(segmentFile(this.#logDirectory, number))}: cut ${cut.bytes} bytes off its end (${cut.reason}): a write the relay stopped in, never acknowledged.`);
			if (this.#index.recordsIn(number) === 0) await this.#deleteSegment(segment);
			else this.#segments.set(number, segment);
		}
		// A restarted relay never appends to an old segment: they are all sealed, and compacted from now on.
		this.#current = await createSegment(this.#logDirectory, (numbers.at(-1) ?? 0) + 1);
		this.#segments.set(this.#current.number, this.#current);
		// Not at once: the first seconds belong to the clients that reconnect and the documents they open.
		if (this.#index.recordCount > 0) this.#armAgeTimer();
	}

	storageId(): string {
		return this.#storageId;
	}

	append(documentId: DocumentId, changes: Uint8Array): Promise<void> {
		if (this.#closed) return Promise.reject(new Error('The document store is closed.'));
		let record: Buffer | undefined;
		try {
			keyPath(this.#directory, [documentId]);
			if (changes.length > 0) record = encodeRecord(documentId, changes);
		} catch (error) {
			return Promise.reject(error);
		}
		return new Promise((resolve, reject) => {
			this.#queue.push({ documentId, record, resolve, reject });
			this.#kick();
		});
	}

	async load(documentId: DocumentId): Promise<Uint8Array[] | undefined> {
		if (this.#closed) throw new Error('The document store is closed.');
		keyPath(this.#directory, [documentId]);
		return this.#exclusive(documentId, async () => {
			const files = await documentFiles(this.#directory, documentId);
			const chunks = [
				...(await Promise.all([...files.snapshots, ...files.incrementals].map(readIfPresent))).filter((c) => c !== undefined),
				...(await this.#readEntries(this.#index.entries(documentId)))
			];
			return chunks.length > 0 ? chunks : undefined;
		});
	}

	compactNow(): Promise<void> {
		if (this.#closed) return Promise.reject(new Error('The document store is closed.'));
		return this.#requestRound();
	}

	async hold(): Promise<LogHold> {
		if (this.#closed) throw new Error('The document store is closed.');
		const began = performance.now();
		if (!this.#held) {
			let resume!: () => void;
			const released = new Promise<void>((resolve) => (resume = resolve));
			this.#held = { count: 0, released, resume };
		}
		const held = this.#held;
		held.count++;
		// No step starts from now on; the one under way ends first. Then, in one turn of the event loop, where the
		// last acknowledged batch ends: a batch's records count once its fdatasync is done (segment.size).
		await this.#stepping?.catch(() => {});
		const segments = [...this.#segments.values()].sort((a, b) => a.number - b.number).map((s) => ({ file: segmentFile(this.#logDirectory, s.number), bytes: s.size }));
		let released = false;
		return {
			segments,
			waitedMs: performance.now() - began,
			release: () => {
				if (released) return;
				released = true;
				if (--held.count > 0) return;
				if (this.#held === held) this.#held = undefined;
				held.resume();
			}
		};
	}

	async documentIds(): Promise<string[]> {
		if (this.#closed) throw new Error('The document store is closed.');
		// The chunk layout splits an id after two characters (`3x/Gh…/`); `log/` and the storage id's file are not documents.
		const ids = new Set(this.#index.documentIds());
		for (const head of await subfolders(this.#directory)) if (head.length === 2) for (const tail of await subfolders(path.join(this.#directory, head))) ids.add(head + tail);
		return [...ids];
	}

	stats(): LogStoreStats {
		let logBytes = 0;
		for (const segment of this.#segments.values()) logBytes += segment.size;
		return {
			logBytes,
			segments: this.#segments.size,
			documentsAwaitingCompaction: this.#index.documentCount,
			recordsAwaitingCompaction: this.#index.recordCount,
			...this.#stats
		};
	}

	close(): Promise<void> {
		this.#closed = true;
		// A backup still holding the files must not keep compaction, and so the close, waiting.
		this.#held?.resume();
		this.#held = undefined;
		return (this.#closing ??= (async () => {
			clearTimeout(this.#ageTimer);
			await this.#flushing;
			await Promise.allSettled([this.#round, this.#nextRound, ...this.#locks.values()]);
			// A round that stopped may have asked for a rotation: let that finish before the files close.
			await this.#flushing;
			await Promise.allSettled([...this.#segments.values()].map((s) => s.handle.close()));
		})());
	}

	// Group commit -------------------------------------------------------------------------------------------

	/** Starts the flush loop unless it runs: at the end of this turn of the event loop, so its appends share a batch. */
	#kick(): void {
		this.#flushing ??= this.#flushLoop();
	}

	async #flushLoop(): Promise<void> {
		await nextTurn();
		while (this.#queue.length > 0 || this.#rotations.length > 0) {
			if (this.#rotations.length > 0) {
				const waiting = this.#rotations.splice(0);
				await this.#rotate();
				for (const resolve of waiting) resolve();
			}
			if (this.#queue.length > 0) await this.#flushBatch(this.#queue.splice(0));
		}
		this.#flushing = undefined;
	}

	async #flushBatch(batch: Pending[]): Promise<void> {
		const segment = this.#current;
		const records = batch.flatMap((p) => (p.record ? [{ documentId: p.documentId, record: p.record }] : []));
		const bytes = Buffer.concat(records.map((r) => r.record));
		const start = segment.size;
		try {
			if (bytes.length > 0) {
				if (segment.dirtyTail) await segment.handle.truncate(start);
				segment.dirtyTail = false;
				const writing = performance.now();
				await writeSpan(segment.handle, bytes, start);
				const began = performance.now();
				await segment.handle.datasync();
				const done = performance.now();
				this.#stats.lastFsyncMs = done - began;
				this.#stats.fsyncs++;
				this.#options.meter?.flushed(done - writing);
			}
		} catch (error) {
			// A full disk may have taken part of the batch: cut it, or the next batch would follow a torn record.
			segment.dirtyTail = true;
			await segment.handle.truncate(start).then(() => (segment.dirtyTail = false), () => {});
			this.#options.meter?.flushFailed();
			if (!this.#failing) this.#options.log(`Appending to the document log failed (${describe(error)}); nothing of it was acknowledged.`);
			this.#failing = true;
			for (const pending of batch) pending.reject(error);
			return;
		}
		if (this.#failing) this.#options.log('Appending to the document log works again.');
		this.#failing = false;
		if (segment.size === 0 && bytes.length > 0) this.#armAgeTimer();
		let position = start;
		for (const { documentId, record } of records) {
			this.#index.add(documentId, { segment: segment.number, position: position + HEADER_BYTES + documentId.length, length: record.length - HEADER_BYTES - documentId.length });
			position += record.length;
		}
		segment.size = position;
		this.#stats.appends += batch.length;
		for (const pending of batch) pending.resolve();
		if (segment.size >= this.#options.segmentBytes) {
			await this.#rotate();
			this.#compactInBackground();
		}
	}

	/** Seals the current segment (between two batches) and starts a new one; nothing to do if it is empty. */
	async #rotate(): Promise<void> {
		if (this.#current.size === 0) return;
		try {
			this.#current = await createSegment(this.#logDirectory, this.#current.number + 1);
		} catch (error) {
			this.#options.log(`Starting a new log segment failed (${describe(error)}); appending to the current one.`);
			this.#armAgeTimer();
			return;
		}
		this.#segments.set(this.#current.number, this.#current);
		clearTimeout(this.#ageTimer);
	}

	#armAgeTimer(): void {
		clearTimeout(this.#ageTimer);
		this.#ageTimer = setTimeout(() => this.#compactInBackground(), this.#options.compactAfterMs).unref();
	}

	// Compaction ---------------------------------------------------------------------------------------------

	#compactInBackground(): void {
		this.#requestRound().catch((error: unknown) => this.#options.log(`Compacting the document log failed: ${describe(error)}`));
	}

	/** A round that starts after this call: the one queued behind the running round, shared by every caller meanwhile. */
	#requestRound(): Promise<void> {
		if (this.#nextRound) return this.#nextRound;
		const next: Promise<void> = (this.#round ?? Promise.resolve()).catch(() => {}).then(async () => {
			this.#nextRound = undefined;
			this.#round = next;
			try {
				await this.#compactRound();
			} finally {
				if (this.#round === next) this.#round = undefined;
			}
		});
		return (this.#nextRound = next);
	}

	async #compactRound(): Promise<void> {
		if (this.#closed) return;
		const began = performance.now();
		await new Promise<void>((resolve) => {
			this.#rotations.push(resolve);
			this.#kick();
		});
		await this.#step('rotated');
		const upTo = this.#current.number - 1;
		const context = { directory: this.#directory, index: this.#index, readEntries: (e: LogEntry[]) => this.#readEntries(e), snapshotOf: this.#options.snapshotOf, step: (s: CompactionStep, d?: string) => this.#step(s, d) };
		for (const documentId of this.#index.documentsUpTo(upTo)) {
			// While a backup holds the files (checked in the same turn as the step starts, so a hold waits for it).
			while (this.#held && !this.#closed) await this.#held.released;
			if (this.#closed) return;
			try {
				await (this.#stepping = this.#exclusive(documentId, () => compactDocument(context, documentId, upTo)));
				this.#stats.compactedDocuments++;
			} catch (error) {
				// Its records stay in the log (and so does their segment) until a later round manages.
				this.#options.log(`Compacting document ${documentId} failed, its changes stay in the log: ${describe(error)}`);
			}
			// The relay keeps serving between two documents.
			await nextTurn();
		}
		for (const segment of [...this.#segments.values()]) {
			while (this.#held && !this.#closed) await this.#held.released;
			if (this.#closed) return;
			if (segment.number <= upTo && this.#index.recordsIn(segment.number) === 0) {
				await (this.#stepping = this.#deleteSegment(segment));
				await this.#step('segment-deleted');
			}
		}
		this.#stats.lastCompactionMs = performance.now() - began;
	}

	async #deleteSegment(segment: Segment): Promise<void> {
		this.#segments.delete(segment.number);
		this.#index.forgetSegment(segment.number);
		await segment.handle.close();
		await fs.rm(segmentFile(this.#logDirectory, segment.number), { force: true });
	}

	async #step(step: CompactionStep, documentId?: string): Promise<void> {
		await this.#options.compactionStep?.(step, documentId);
	}

	// Reading ------------------------------------------------------------------------------------------------

	/** The payloads of these entries (one document's, oldest first), reading neighbours in one go. */
	async #readEntries(entries: LogEntry[]): Promise<Uint8Array[]> {
		const payloads: Uint8Array[] = [];
		for (let first = 0; first < entries.length; ) {
			const start = entries[first]!;
			let last = first;
			let end = start.position + start.length;
			for (let e = entries[last + 1]; e && e.segment === start.segment && e.position - end <= READ_GAP_BYTES; e = entries[last + 1]) {
				end = e.position + e.length;
				last++;
			}
			const segment = this.#segments.get(start.segment);
			if (!segment) throw new Error(`Log segment ${start.segment} is gone while records in it are not compacted`);
			const span = await readSpan(segment.handle, start.position, end - start.position);
			for (let i = first; i <= last; i++) payloads.push(span.subarray(entries[i]!.position - start.position, entries[i]!.position - start.position + entries[i]!.length));
			first = last + 1;
		}
		return payloads;
	}

	async #exclusive<T>(documentId: string, task: () => Promise<T>): Promise<T> {
		const run = (this.#locks.get(documentId) ?? Promise.resolve()).then(task, task);
		const settled = run.catch(() => {});
		this.#locks.set(documentId, settled);
		try {
			return await run;
		} finally {
			if (this.#locks.get(documentId) === settled) this.#locks.delete(documentId);
		}
	}
}

/**
 * The id automerge-repo's storage kept under the key `['storage-adapter-id']` (in this layout `st/orage-adapter-id`):
 * clients remember per storage id what reached the relay, so a relay that changes its storage keeps the id.
 */
async function readOrCreateStorageId(directory: string): Promise<string> {
	const file = keyPath(directory, ['storage-adapter-id']);
	const stored = await readIfPresent(file);
	if (stored) return new TextDecoder().decode(stored);
	const id = randomUUID();
	await writeFileDurably(file, new TextEncoder().encode(id));
	return id;
}

async function subfolders(directory: string): Promise<string[]> {
	const entries = await fs.readdir(directory, { withFileTypes: true });
	return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
	try {
		return await fs.readFile(file);
	} catch (error) {
		if (isMissing(error)) return undefined;
		throw error;
	}
}

function describe(error: unknown): string {
	return (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error));
}
