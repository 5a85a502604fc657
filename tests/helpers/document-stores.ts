// The relay's two DocumentStore implementations as test subjects, so one contract test runs on both (the log in
// DATA_DIR, PostgreSQL on the test file's own server), and the tally helpers those tests write and check with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { expect } from 'vitest';
import type { DocumentStore } from '../../sync-server/storage/document-store.ts';
import { openLogStore } from '../../sync-server/storage/log-store.ts';
import { openDatabase } from '../../sync-server/storage/postgres-database.ts';
import { openPostgresDocumentStore } from '../../sync-server/storage/postgres-document-store.ts';
import type { TestPostgres } from './postgres.ts';
import { Tally, tallyEntries } from './tally-doc.ts';

/** A store under test: compaction on demand, and how many batches it made durable (fdatasyncs, COMMITs). */
export interface StoreUnderTest extends DocumentStore {
	compactNow(): Promise<void>;
	batches(): number;
}

export interface StoreKind {
	name: string;
	/** A new, empty place to keep documents (a directory, a database). */
	place(): Promise<string>;
	open(place: string, options?: { compactAfterMs?: number }): Promise<StoreUnderTest>;
	/** Removes every place made. */
	cleanUp(): void;
}

export function logStoreKind(): StoreKind {
	const dirs: string[] = [];
	return {
		name: 'the log store (DATA_DIR)',
		async place() {
			const dir = mkdtempSync(join(tmpdir(), 'caseroom-log-'));
			dirs.push(dir);
			return join(dir, 'automerge');
		},
		async open(directory, options = {}) {
			const store = await openLogStore({ directory, ...options });
			return Object.assign(store, { batches: () => store.stats().fsyncs });
		},
		cleanUp: () => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }))
	};
}

/** `server()`: the file's PostgreSQL, started in its beforeAll. */
export function postgresKind(server: () => TestPostgres): StoreKind {
	return {
		name: 'the PostgreSQL store',
		place: () => server().createDatabase(),
		async open(url, options = {}) {
			const database = await openDatabase(url);
			const store = await openPostgresDocumentStore({ pool: database.pool, ...options });
			// The database (its pool) is the store's alone here: it closes with it.
			return {
				load: (id) => store.load(id),
				append: (id, changes) => store.append(id, changes),
				storageId: () => store.storageId(),
				compactNow: () => store.compactNow(),
				batches: () => store.stats().commits,
				close: async () => {
					await store.close();
					await database.close();
				}
			};
		},
		cleanUp: () => {}
	};
}

export const docId = (i: number) => `Doc${i}x${'a'.repeat(20)}` as DocumentId;

/** Pushes 0..count-1 onto a tally per document, every append awaited; returns the tallies. */
export async function writeTallies(store: DocumentStore, documents: number, count: number): Promise<Tally[]> {
	const tallies = Array.from({ length: documents }, () => Tally.create());
	await Promise.all(
		tallies.map(async (tally, d) => {
			for (let n = 0; n < count; n++) {
				const { bytes, heads } = tally.push(n);
				await store.append(docId(d), bytes);
				tally.acknowledged(heads);
			}
		})
	);
	return tallies;
}

export async function expectTallies(store: DocumentStore, documents: number, count: number): Promise<void> {
	const expected = Array.from({ length: count }, (_, n) => n);
	for (let d = 0; d < documents; d++) expect(tallyEntries(await store.load(docId(d))), `document ${d}`).toEqual(expected);
}
