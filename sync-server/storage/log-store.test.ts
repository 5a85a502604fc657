import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Repo, type DocumentId } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { docId, expectTallies, writeTallies } from '../../tests/helpers/document-stores.ts';
import { scratch } from '../../tests/helpers/scratch.ts';
import { Tally, tallyEntries } from '../../tests/helpers/tally-doc.ts';
import { DurableFsStorageAdapter } from './fs-chunks.ts';
import { encodeRecord } from './log-record.ts';
import { openLogStore, type CompactionStep, type LogStore, type LogStoreOptions } from './log-store.ts';

const temp = scratch('caseroom-log-');
const tempDir = () => join(temp.dir(), 'automerge');
async function open(directory: string, options: Partial<LogStoreOptions> = {}): Promise<LogStore> {
	return temp.keep(await openLogStore({ directory, ...options }));
}
const segments = (directory: string) => readdirSync(join(directory, 'log')).filter((f) => f.endsWith('.log'));

// What every DocumentStore guarantees (durable, order, load order, group commit, close) is tested on both stores in
// tests/integration/document-store-contract.test.ts; here, what is the log's own: its files.
describe('the log store', () => {
	it('cuts a record torn by a crash and keeps everything before it', async () => {
		const directory = tempDir();
		let store = await open(directory);
		await writeTallies(store, 3, 5);
		await store.close();
		const [segment] = segments(directory);
		const file = join(directory, 'log', segment!);
		const before = statSync(file).size;
		// What kill -9 in the middle of a write leaves: the first half of a record.
		appendFileSync(file, encodeRecord(docId(0), new Uint8Array(300).fill(1)).subarray(0, 150));

		const warnings: string[] = [];
		store = await open(directory, { log: (m) => warnings.push(m) });
		expect(warnings.join('\n')).toMatch(/cut 150 bytes off its end \(the file ends inside a record\)/);
		expect(statSync(file).size).toBe(before);
		await expectTallies(store, 3, 5);
		const tally = Tally.load((await store.load(docId(0)))!);
		await store.append(docId(0), tally.push(5).bytes);
		await store.close();
		expect(tallyEntries(await (await open(directory)).load(docId(0)))).toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('reads the documents and the storage id of the chunk layout it replaces, and leaves them readable by it', async () => {
		const directory = tempDir();
		const repo = new Repo({ storage: new DurableFsStorageAdapter(directory) });
		// Over 1 KiB, so automerge-repo writes later changes as incremental chunks beside the snapshot.
		const handle = repo.create<{ entries: number[]; note: string }>({ entries: [], note: randomBytes(1500).toString('base64') });
		for (let n = 0; n < 4; n++) {
			handle.change((d) => void d.entries.push(n));
			await repo.flush();
		}
		const storageId = await repo.storageId();
		await repo.shutdown();
		const folder = join(directory, handle.documentId.slice(0, 2), handle.documentId.slice(2));
		expect(readdirSync(join(folder, 'incremental')).length).toBeGreaterThan(0);

		const store = await open(directory);
		expect(store.storageId()).toBe(storageId);
		const chunks = (await store.load(handle.documentId))!;
		expect(tallyEntries(chunks)).toEqual([0, 1, 2, 3]);
		const tally = Tally.load(chunks);
		await store.append(handle.documentId, tally.push(4).bytes);
		await store.close();
		const reopened = await open(directory);
		expect(reopened.storageId()).toBe(storageId);

		// Compacted into the same folders: the old relay's storage reads the result.
		await reopened.compactNow();
		await reopened.close();
		const again = new Repo({ storage: new DurableFsStorageAdapter(directory) });
		const found = await again.find<{ entries: number[] }>(handle.documentId);
		expect([...found.doc().entries]).toEqual([0, 1, 2, 3, 4]);
		expect(await again.storageId()).toBe(storageId);
		await again.shutdown();
	});

	it('compacts into one snapshot per document, keeps every change and empties the log', async () => {
		const directory = tempDir();
		const store = await open(directory, { segmentBytes: 4096 });
		await writeTallies(store, 12, 20);
		expect(segments(directory).length).toBeGreaterThan(3);
		await store.compactNow();
		expect(store.stats()).toMatchObject({ logBytes: 0, segments: 1, documentsAwaitingCompaction: 0, recordsAwaitingCompaction: 0 });
		expect(segments(directory)).toHaveLength(1);
		const folder = join(directory, docId(0).slice(0, 2), docId(0).slice(2));
		expect(readdirSync(join(folder, 'snapshot'))).toHaveLength(1);
		await expectTallies(store, 12, 20);
		await store.close();
		await expectTallies(await open(directory), 12, 20);
	});

	it('lists every document it holds, compacted or still in the log', async () => {
		const directory = tempDir();
		const store = await open(directory);
		await writeTallies(store, 3, 2);
		await store.compactNow();
		await writeTallies(store, 5, 1);
		// Three compacted (and written again), two only in the log; not the storage id's file nor the log's folder.
		expect(store.stats().documentsAwaitingCompaction).toBe(5);
		expect((await store.documentIds()).sort()).toEqual([0, 1, 2, 3, 4].map((d) => docId(d)).sort());
		await store.compactNow();
		await store.close();
		expect((await (await open(directory)).documentIds()).sort()).toEqual([0, 1, 2, 3, 4].map((d) => docId(d)).sort());
	});

	it('adds a small change to a large snapshot as an incremental chunk, and uses the caller\'s copy when it has one', async () => {
		const directory = tempDir();
		const held = new Map<string, Tally>();
		const given: Uint8Array[] = [];
		const snapshotOf = (id: DocumentId) => {
			const saved = held.get(id)?.save();
			if (saved) given.push(saved);
			return saved;
		};
		const store = await open(directory, { snapshotOf });
		const big = Tally.create(4000);
		let write = big.push(0);
		await store.append(docId(0), write.bytes);
		big.acknowledged(write.heads);
		held.set(docId(0), big);
		await store.compactNow();
		const folder = join(directory, docId(0).slice(0, 2), docId(0).slice(2));
		const [snapshot] = readdirSync(join(folder, 'snapshot'));
		expect(statSync(join(folder, 'snapshot', snapshot!)).size).toBeGreaterThan(1024);
		expect(given).toHaveLength(1);
		expect(new Uint8Array(readFileSync(join(folder, 'snapshot', snapshot!)))).toEqual(given[0]);

		write = big.push(1);
		await store.append(docId(0), write.bytes);
		await store.compactNow();
		expect(readdirSync(join(folder, 'snapshot'))).toEqual([snapshot]);
		expect(readdirSync(join(folder, 'incremental'))).toHaveLength(1);
		expect(tallyEntries(await store.load(docId(0)))).toEqual([0, 1]);
	});

	it('compacts a quiet log by itself once a record has waited long enough', async () => {
		const store = await open(tempDir(), { compactAfterMs: 50 });
		await writeTallies(store, 2, 3);
		expect(store.stats().recordsAwaitingCompaction).toBe(6);
		for (let i = 0; i < 100 && store.stats().recordsAwaitingCompaction > 0; i++) await new Promise((r) => setTimeout(r, 20));
		expect(store.stats()).toMatchObject({ recordsAwaitingCompaction: 0, compactedDocuments: 2 });
		await expectTallies(store, 2, 3);
	});

	const steps: CompactionStep[] = ['rotated', 'temp-synced', 'renamed', 'written', 'old-removed', 'segment-deleted'];
	it.each(steps)('loses nothing when compaction stops at step "%s", and finishes it later', async (stop) => {
		const directory = tempDir();
		let stopped = 0;
		let store = await open(directory, {
			segmentBytes: 2048,
			compactionStep: (step) => {
				if (step !== stop) return;
				stopped++;
				throw new Error(`stopped at ${step}`);
			}
		});
		await writeTallies(store, 6, 12);
		await store.compactNow().catch(() => {});
		expect(stopped).toBeGreaterThan(0);
		await store.close();
		await expect(store.append(docId(0), new Uint8Array([1]))).rejects.toThrow(/closed/);

		store = await open(directory);
		await expectTallies(store, 6, 12);
		await store.compactNow();
		expect(store.stats().recordsAwaitingCompaction).toBe(0);
		await store.close();
		await expectTallies(await open(directory), 6, 12);
		const leftovers = readdirSync(directory, { recursive: true }).map(String).filter((f) => f.includes('.tmp-'));
		expect(leftovers).toEqual([]);
	});

	it('refuses unsafe document ids', async () => {
		const directory = tempDir();
		const store = await open(directory);
		await expect(store.append('../../etc' as DocumentId, new Uint8Array([1]))).rejects.toThrow(/Unsafe storage key/);
		await expect(store.load('../../etc' as DocumentId)).rejects.toThrow(/Unsafe storage key/);
		expect(existsSync(join(directory, '..', 'etc'))).toBe(false);
	});
});
