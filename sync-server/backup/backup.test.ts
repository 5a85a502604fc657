// Backups of the document log while compaction runs all the time (tiny segments, a round every few milliseconds):
// each backup, restored and opened, holds every change acknowledged before it was taken, and loads; a hold stops
// compaction between two steps and never stops appends.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { expect, it } from 'vitest';
import { scratch } from '../../tests/helpers/scratch.ts';
import { Tally, tallyEntries } from '../../tests/helpers/tally-doc.ts';
import type { LogStore } from '../storage/log-store.ts';
import { openRelayDocumentStore } from '../storage/relay-document-store.ts';
import { takeBackup } from './backup.ts';
import { restoreBackup } from './restore.ts';

const temp = scratch('caseroom-backup-');
const tempDir = () => temp.dir();
const docId = (i: number) => `Doc${i}x${'b'.repeat(20)}` as DocumentId;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A DATA_DIR with a token key, a directory journal and the document log, compacting every few milliseconds. */
async function busyDataDir(): Promise<{ dataDir: string; store: LogStore }> {
	const dataDir = tempDir();
	writeFileSync(join(dataDir, 'token-key'), randomBytes(32));
	writeFileSync(join(dataDir, 'directory.jsonl'), '{"type":"orgAdded","org":{"id":"gfms","name":"GFMS"}}\n');
	const store = temp.keep(await openRelayDocumentStore(dataDir, { segmentBytes: 8 * 1024, compactAfterMs: 5 }));
	return { dataDir, store };
}

it('holds compaction still between two steps while appends go on', async () => {
	const { store } = await busyDataDir();
	const tally = Tally.create();
	for (let n = 0; n < 20; n++) await store.append(docId(0), tally.push(n).bytes);
	const hold = await store.hold();
	const compactedBefore = store.stats().compactedDocuments;
	const compacted = store.compactNow();
	let done = false;
	void compacted.then(() => (done = true));
	// Appends are acknowledged as usual while held; compaction is not.
	for (let n = 20; n < 40; n++) await store.append(docId(0), tally.push(n).bytes);
	await sleep(100);
	expect(done).toBe(false);
	expect(store.stats().compactedDocuments).toBe(compactedBefore);
	hold.release();
	await compacted;
	expect(store.stats().compactedDocuments).toBeGreaterThan(compactedBefore);
	expect(tallyEntries(await store.load(docId(0)))).toEqual(Array.from({ length: 40 }, (_, n) => n));
});

it('restores every change acknowledged before each backup, taken at any moment of compaction', async () => {
	const { dataDir, store } = await busyDataDir();
	const documents = 6;
	const acked = Array.from({ length: documents }, () => 0);
	let writing = true;
	// Changes of ~100 bytes from six writers fill an 8 KiB segment in a moment: it rotates and compacts all the time.
	// The first document is large from the start, so its compaction writes incremental chunks beside its snapshot.
	const writers = Array.from({ length: documents }, async (_, d) => {
		const tally = Tally.create(d === 0 ? 4000 : 0);
		for (let n = 0; writing; n++) {
			const { bytes, heads } = tally.push(n);
			await store.append(docId(d), bytes);
			tally.acknowledged(heads);
			acked[d] = n + 1;
		}
	});
	const taken: { folder: string; acked: number[] }[] = [];
	for (let b = 0; b < 5; b++) {
		await sleep(60 + b * 37);
		const before = [...acked];
		const folder = join(tempDir(), 'backup');
		const summary = await takeBackup({ dataDir, target: folder, documents: store });
		expect(summary.manifest.compactionHeldMs).toBeGreaterThanOrEqual(0);
		taken.push({ folder, acked: before });
	}
	writing = false;
	await Promise.all(writers);
	expect(store.stats().compactedDocuments).toBeGreaterThan(documents);

	for (const { folder, acked: before } of taken) {
		const restored = join(tempDir(), 'data');
		await restoreBackup(folder, restored);
		const copy = temp.keep(await openRelayDocumentStore(restored));
		for (let d = 0; d < documents; d++) {
			const entries = tallyEntries(await copy.load(docId(d)));
			// Everything acknowledged before, in order; perhaps some acknowledged while the backup ran.
			expect(entries.slice(0, before[d]), `document ${d}`).toEqual(Array.from({ length: before[d]! }, (_, n) => n));
			expect(entries).toEqual(Array.from({ length: entries.length }, (_, n) => n));
		}
		expect(copy.storageId()).toBe(store.storageId());
	}
});
