// What every DocumentStore guarantees (storage/document-store.ts), run on both of the relay's: the log in DATA_DIR
// and PostgreSQL (a server of this file's own). Durable on resolve (a reopened store has every acknowledged change),
// order and load order (each document's tally reads back in the order it was written), group commit (the appends of
// one turn share one durable write, those made during it the next), compaction changing nothing a load sees, close.
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docId, expectTallies, logStoreKind, postgresKind, writeTallies, type StoreUnderTest } from '../helpers/document-stores.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { Tally, tallyEntries } from '../helpers/tally-doc.ts';

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

describe.each([logStoreKind(), postgresKind(() => postgres)])('$name', (kind) => {
	const stores: StoreUnderTest[] = [];
	afterEach(async () => {
		await Promise.allSettled(stores.splice(0).map((s) => s.close()));
		kind.cleanUp();
	});
	const open = async (place: string, options?: { compactAfterMs?: number }) => {
		const store = await kind.open(place, options);
		stores.push(store);
		return store;
	};

	it('loads back every change of many documents, before and after a restart, under the same storage id', async () => {
		const place = await kind.place();
		const store = await open(place);
		await writeTallies(store, 25, 8);
		await expectTallies(store, 25, 8);
		expect(await store.load(docId(99))).toBeUndefined();
		const storageId = store.storageId();
		expect(storageId).toMatch(/^[0-9a-f-]{36}$/);
		await store.close();

		const reopened = await open(place);
		await expectTallies(reopened, 25, 8);
		expect(reopened.storageId()).toBe(storageId);
	});

	it('covers the appends of one turn, and those made during a durable write, with one durable write each', async () => {
		const store = await open(await kind.place());
		const tallies = Array.from({ length: 200 }, () => Tally.create());
		await Promise.all(tallies.map((t, d) => store.append(docId(d), t.push(0).bytes)));
		expect(store.batches()).toBe(1);

		// While the first batch is being written, 100 more arrive: they all go out in the next one.
		const first = tallies.slice(0, 100).map((t, d) => store.append(docId(d), t.push(1).bytes));
		await new Promise((resolve) => setImmediate(resolve));
		const second = tallies.slice(100).map((t, d) => store.append(docId(100 + d), t.push(1).bytes));
		await Promise.all([...first, ...second]);
		expect(store.batches()).toBe(3);
		await expectTallies(store, 200, 2);
	});

	it('compacts without changing what a load sees, then and after a restart', async () => {
		const place = await kind.place();
		const store = await open(place);
		const tallies = await writeTallies(store, 12, 20);
		await store.compactNow();
		await expectTallies(store, 12, 20);
		// Appends after compaction follow what it wrote.
		await Promise.all(tallies.map((t, d) => store.append(docId(d), t.push(20).bytes)));
		await store.close();
		await expectTallies(await open(place), 12, 21);
	});

	it('serves loads and appends while compacting, and loses nothing', async () => {
		const place = await kind.place();
		const store = await open(place);
		const tallies = await writeTallies(store, 20, 10);
		const compacting = store.compactNow();
		const more = tallies.map(async (tally, d) => {
			const { bytes, heads } = tally.push(10);
			await store.append(docId(d), bytes);
			tally.acknowledged(heads);
			expect(tallyEntries(await store.load(docId(d))).length).toBe(11);
		});
		await Promise.all([compacting, ...more]);
		await expectTallies(store, 20, 11);
		await store.close();
		await expectTallies(await open(place), 20, 11);
	});

	it('finishes the appends already made when closed, and refuses later calls', async () => {
		const place = await kind.place();
		const store = await open(place);
		const tally = Tally.create();
		const pending = [0, 1, 2].map((n) => store.append(docId(0), tally.push(n).bytes));
		await store.close();
		await Promise.all(pending);
		await expect(store.load(docId(0))).rejects.toThrow(/closed/);
		await expect(store.append(docId(0), new Uint8Array([1]))).rejects.toThrow(/closed/);
		expect(tallyEntries(await (await open(place)).load(docId(0) as DocumentId))).toEqual([0, 1, 2]);
	});
});
