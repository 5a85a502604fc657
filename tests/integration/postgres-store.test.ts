// The PostgreSQL document store's own behaviour, on a server of this file's own (the guarantees it shares with the
// log are in document-store-contract.test.ts): the schema migrated once by nodes starting together, compaction into
// one snapshot per document (on demand and by itself), two nodes writing the same documents, PostgreSQL stopped
// while appends come in (refused, not acknowledged; then working again), and kill -9 of a writer mid-traffic.
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../sync-server/storage/postgres-database.ts';
import { openPostgresDocumentStore, type PostgresDocumentStore, type PostgresDocumentStoreOptions } from '../../sync-server/storage/postgres-document-store.ts';
import { migrate, MIGRATIONS } from '../../sync-server/storage/postgres-schema.ts';
import { StoreUnavailable } from '../../sync-server/storage/store-unavailable.ts';
import { docId, expectTallies, writeTallies } from '../helpers/document-stores.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { prng, seedFromEnv } from '../helpers/prng.ts';
import { Tally, tallyEntries } from '../helpers/tally-doc.ts';
import { spawnWriter, type WriterChild } from './log-store-harness.ts';

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

const opened: { close(): Promise<void> }[] = [];
const writers: WriterChild[] = [];
afterEach(async () => {
	await Promise.all(writers.splice(0).map((w) => w.kill()));
	for (const closable of opened.splice(0).reverse()) await closable.close().catch(() => {});
});

/** A relay node's view of the database: its own pool, and a store on it. */
async function node(url: string, options: Partial<PostgresDocumentStoreOptions> = {}): Promise<{ database: Database; store: PostgresDocumentStore }> {
	const database = await openDatabase(url);
	opened.push(database);
	const store = await openPostgresDocumentStore({ pool: database.pool, ...options });
	opened.push(store);
	return { database, store };
}

/** Pushes n onto the tally and appends it, acknowledged once the store resolves. */
async function append(store: PostgresDocumentStore, id: DocumentId, tally: Tally, n: number): Promise<void> {
	const { bytes, heads } = tally.push(n);
	await store.append(id, bytes);
	tally.acknowledged(heads);
}

const count = async (database: Database, sql: string) => Number((await database.pool.query<{ n: string }>(sql)).rows[0]!.n);

describe('the PostgreSQL document store', () => {
	it('migrates the schema once when nodes start together, and refuses a schema newer than it knows', async () => {
		const url = await postgres.createDatabase();
		const nodes = await Promise.all(Array.from({ length: 4 }, () => openDatabase(url)));
		opened.push(...nodes);
		const { rows } = await nodes[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
		expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
		expect(await migrate(nodes[1]!.pool)).toEqual([]);

		await nodes[0]!.pool.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from a newer relay')");
		const newest = Math.max(...MIGRATIONS.map((m) => m.version));
		await expect(openDatabase(url)).rejects.toThrow(new RegExp(`schema is at version 999, written by a newer relay; this relay knows versions up to ${newest}\\b`));
	});

	it('folds each document into one snapshot, on demand and by itself, and every change still loads', async () => {
		const url = await postgres.createDatabase();
		const { database, store } = await node(url, { compactAfterMs: 100_000 });
		await writeTallies(store, 6, 15);
		expect(await count(database, 'SELECT count(*) AS n FROM document_changes')).toBe(90);
		await store.compactNow();
		expect(await count(database, 'SELECT count(*) AS n FROM document_changes')).toBe(0);
		expect(await count(database, 'SELECT count(*) AS n FROM document_snapshots')).toBe(6);
		expect(store.stats().compactedDocuments).toBe(6);
		await expectTallies(store, 6, 15);

		// A quiet store compacts by itself once a change has waited compactAfterMs.
		const quiet = (await node(url, { compactAfterMs: 50, compactAtChanges: 1 })).store;
		const tally = Tally.load((await quiet.load(docId(0)))!);
		await quiet.append(docId(0), tally.push(15).bytes);
		expect(await count(database, 'SELECT count(*) AS n FROM document_changes')).toBe(1);
		for (let i = 0; i < 100 && (await count(database, 'SELECT count(*) AS n FROM document_changes')) > 0; i++) await new Promise((r) => setTimeout(r, 20));
		expect(await count(database, 'SELECT count(*) AS n FROM document_changes')).toBe(0);
		expect(tallyEntries(await quiet.load(docId(0)))).toEqual([...Array.from({ length: 15 }, (_, n) => n), 15]);
	});

	it('lets two nodes append to the same documents and compact at the same time, losing nothing', async () => {
		const url = await postgres.createDatabase();
		const a = await node(url);
		const b = await node(url);
		expect(b.store.storageId()).toBe(a.store.storageId());
		// Both nodes write into the same five documents, from one history (as two relays do for clients on each).
		const ids = [0, 1, 2, 3, 4].map(docId);
		const onA = ids.map(() => Tally.create());
		await Promise.all(onA.map((tally, d) => append(a.store, ids[d]!, tally, -1)));
		const onB = await Promise.all(ids.map(async (id) => Tally.load((await b.store.load(id))!)));
		const write = async (store: PostgresDocumentStore, tallies: Tally[], offset: number) => {
			for (let n = 0; n < 12; n++) {
				await Promise.all(tallies.map((tally, d) => append(store, ids[d]!, tally, offset + n)));
				if (n % 4 === 3) void (n % 8 === 3 ? a : b).store.compactNow();
			}
		};
		await Promise.all([write(a.store, onA, 0), write(b.store, onB, 100)]);
		await Promise.all([a.store.compactNow(), b.store.compactNow()]);
		for (const id of ids) {
			const entries = tallyEntries(await b.store.load(id)).sort((x, y) => x - y);
			expect(entries).toEqual([-1, ...Array.from({ length: 12 }, (_, n) => n), ...Array.from({ length: 12 }, (_, n) => 100 + n)]);
		}
	});

	it('refuses appends while PostgreSQL is down, acknowledging none of them, and works again once it is back', async () => {
		const url = await postgres.createDatabase();
		const warnings: string[] = [];
		const { store } = await node(url, { log: (m) => warnings.push(m) });
		const tally = Tally.create();
		let write = tally.push(0);
		await store.append(docId(0), write.bytes);
		tally.acknowledged(write.heads);

		await postgres.stop();
		try {
			write = tally.push(1);
			await expect(store.append(docId(0), write.bytes)).rejects.toThrow(StoreUnavailable);
			await expect(store.append(docId(0), write.bytes)).rejects.toThrow(/cannot be reached/);
			await expect(store.load(docId(0))).rejects.toThrow(StoreUnavailable);
			expect(store.stats().failedCommits).toBe(2);
		} finally {
			await postgres.start();
		}
		// The caller sends the refused change again with the next (as the engine does): nothing is lost.
		write = tally.push(2);
		await store.append(docId(0), write.bytes);
		expect(tallyEntries(await store.load(docId(0)))).toEqual([0, 1, 2]);
		expect(warnings.join('\n')).toMatch(/Saving changes to PostgreSQL failed .*nothing of them was acknowledged[\s\S]*works again/);
	});

	it('keeps every acknowledged change of a writer killed with -9 mid-traffic', { timeout: 120_000 }, async () => {
		const seed = seedFromEnv();
		const random = prng(seed);
		const url = await postgres.createDatabase();
		const documents = Array.from({ length: 6 }, (_, i) => `PGk9doc${i}x${seed.toString(36)}`);
		const acknowledged = new Map<string, Set<number>>(documents.map((id) => [id, new Set()]));
		const rounds = 6;
		for (let round = 0; round < rounds; round++) {
			// Compaction often, so some kills land inside its transaction.
			const writer = spawnWriter({ directory: '', databaseUrl: url, documents, base: round * 1_000_000, segmentBytes: 0, compactAfterMs: random.int(10, 200), snapshotOf: false });
			writers.push(writer);
			await writer.waitFor(/^ack /, 30_000);
			await new Promise((resolve) => setTimeout(resolve, random.int(100, 600)));
			await writer.kill();
			for (const [id, numbers] of writer.acks) for (const n of numbers) acknowledged.get(id)!.add(n);
		}
		const { store } = await node(url);
		for (const id of documents) {
			const entries = new Set(tallyEntries(await store.load(id as DocumentId)));
			const lost = [...acknowledged.get(id)!].filter((n) => !entries.has(n));
			expect(lost, `SEED=${seed}: document ${id} lost acknowledged changes`).toEqual([]);
		}
		const total = [...acknowledged.values()].reduce((sum, s) => sum + s.size, 0);
		console.log(`PostgreSQL store kill -9, SEED=${seed}: ${rounds} rounds, ${total} acknowledged changes kept`);
		// Every round got at least its first acknowledgements before the kill (many more on a quiet machine).
		expect(total).toBeGreaterThanOrEqual(rounds * documents.length);
	});
});
