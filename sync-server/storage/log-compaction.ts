// Compaction of one document: its records in sealed log segments move into a chunk file in the document's own
// folder (automerge-repo's layout), written durably before the records are forgotten, so a crash at any step
// leaves either the records or the file, or both (both load: Automerge ignores changes it already has).
//
// Which file, as automerge-repo's own storage decides: while the document's incremental chunks and the new records
// are smaller than its snapshot, the records' bytes become one more incremental chunk (no Automerge needed, cost
// in proportion to the change); otherwise the whole document becomes one new snapshot and its older chunks go.
// A long conversation that gets one message a minute is then not rewritten whole every compaction.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { backend } from './automerge-backend.ts';
import { documentFiles, keyPath, writeFileDurably, type WriteStep } from './chunk-files.ts';
import type { LogEntry, LogIndex } from './log-index.ts';

/** Under this, a snapshot is always rewritten (automerge-repo's threshold): small documents stay one file. */
const SMALL_SNAPSHOT_BYTES = 1024;

/**
 * Named steps of compaction, in order, for tests that stop or kill the relay there: the segment sealed; per
 * document the new chunk written under a temporary name and synced, renamed into place, durable (directory
 * synced), the older chunks removed (snapshots only); a compacted segment deleted.
 */
export type CompactionStep = 'rotated' | WriteStep | 'written' | 'old-removed' | 'segment-deleted';

export interface CompactionContext {
	directory: string;
	index: LogIndex;
	readEntries(entries: LogEntry[]): Promise<Uint8Array[]>;
	snapshotOf?: (documentId: DocumentId) => Uint8Array | undefined;
	step(step: CompactionStep, documentId?: string): Promise<void>;
}

/** Moves the document's records in segments up to `upTo` into its folder; returns the kind of chunk written. */
export async function compactDocument(context: CompactionContext, documentId: string, upTo: number): Promise<'snapshot' | 'incremental'> {
	const { directory, index } = context;
	const entries = index.entries(documentId);
	const sealed = entries.filter((e) => e.segment <= upTo);
	const files = await documentFiles(directory, documentId);
	const [snapshotBytes, incrementalBytes] = await Promise.all([totalSize(files.snapshots), totalSize(files.incrementals)]);
	const newBytes = sealed.reduce((sum, e) => sum + e.length, 0);
	const incremental = snapshotBytes >= SMALL_SNAPSHOT_BYTES && incrementalBytes + newBytes < snapshotBytes;

	const data = incremental
		? Buffer.concat(await context.readEntries(sealed))
		: (context.snapshotOf?.(documentId as DocumentId) ?? (await wholeDocument(context, files.snapshots.concat(files.incrementals), entries)));
	const name = createHash('sha256').update(data).digest('hex');
	const kind = incremental ? 'incremental' : 'snapshot';
	const file = keyPath(directory, [documentId, kind, name]);
	await writeFileDurably(file, data, { step: (step) => context.step(step, documentId) });
	await context.step('written', documentId);

	if (!incremental) {
		// Only what the new snapshot was built from (or what the engine's copy holds): every file listed above.
		const older = [...files.snapshots, ...files.incrementals, ...files.temporary].filter((f) => f !== file);
		await Promise.all(older.map((f) => fs.rm(f, { force: true })));
		await context.step('old-removed', documentId);
	}
	index.removeUpTo(documentId, upTo);
	return kind;
}

/** The document saved whole, from its chunk files and all its records, through Automerge's wasm document. */
async function wholeDocument(context: CompactionContext, files: string[], entries: LogEntry[]): Promise<Uint8Array> {
	const chunks = [...(await Promise.all(files.map((f) => fs.readFile(f)))), ...(await context.readEntries(entries))];
	const doc = backend.create({});
	try {
		// One call for all of it: a call per chunk costs 3-5 times as much for a document of 1,500 changes.
		doc.loadIncremental(Buffer.concat(chunks));
		return doc.save();
	} finally {
		doc.free();
	}
}

async function totalSize(files: string[]): Promise<number> {
	const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
	return sizes.reduce((sum, size) => sum + size, 0);
}
