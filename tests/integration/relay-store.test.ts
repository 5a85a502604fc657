// The directory stores: on both (the journal in DATA_DIR, PostgreSQL on a server of this file's own) what was
// acknowledged is there after a reopen, a change that breaks the directory is refused and writes nothing, and the
// first directory loads once. The journal's own: a torn last line is dropped, compaction keeps the state, and a
// second writer on the same DATA_DIR is refused. Several relay nodes on one database: relay-postgres.test.ts.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asCaseId, asConversationId, asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import { DataDirLocked } from '../../sync-server/storage/data-lock.ts';
import type { DirectoryEvent, StoredPerson } from '../../sync-server/directory/events.ts';
import { openPostgresDirectory } from '../../sync-server/directory/postgres-store.ts';
import { openJournalStore, type DirectoryStore } from '../../sync-server/directory/store.ts';
import { openDatabase } from '../../sync-server/storage/postgres-database.ts';
import { JournalCorrupt } from '../../sync-server/storage/journal.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRelay, tempDataDir } from '../helpers/relay.ts';

const dirs: string[] = [];
const stores: DirectoryStore[] = [];
afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dataDir: string, warnings: string[] = []) {
	const store = openJournalStore(dataDir, { warn: (m) => warnings.push(m) });
	stores.push(store);
	return store;
}
async function reopen(store: DirectoryStore, dataDir: string, warnings: string[] = []) {
	await store.close();
	return open(dataDir, warnings);
}

const person = (id: string, org: string): StoredPerson => ({
	id: asUserId(id), username: id, name: id.toUpperCase(), org: asOrgId(org), role: 'customer', disabled: false, passwordHash: 'scrypt$x', tokenEpoch: 0
});
const convId = asConversationId('2k3Y5pCrQzFmW6bsfNPXp8akjGqE');

async function fill(store: DirectoryStore) {
	await store.commit({ type: 'orgAdded', org: { id: asOrgId('acme'), name: 'Acme' } });
	await store.commit({ type: 'personAdded', person: person('anna', 'acme') });
	await store.commit({ type: 'personAdded', person: person('tomas', 'acme') });
	await store.commit({ type: 'caseAdded', serviceCase: { id: asCaseId('SC-1'), number: 'SC-1', title: 'Case', org: asOrgId('acme') } });
	await store.commit({ type: 'conversationRegistered', conversation: { id: convId, kind: 'case', caseId: asCaseId('SC-1'), members: [asUserId('anna')], createdBy: asUserId('anna'), createdAt: 1 } });
	await store.commit({ type: 'membersAdded', conversationId: convId, members: [asUserId('tomas')], by: asUserId('anna') });
	await store.commit({ type: 'documentAttached', document: { documentId: 'board1', conversationId: convId, kind: 'whiteboard', attachedBy: asUserId('tomas'), attachedAt: 2 } });
	await store.commit({ type: 'personDisabled', userId: asUserId('tomas') });
}

function describeState(store: DirectoryStore) {
	return {
		orgs: store.organisations(),
		people: store.people(),
		cases: store.cases(),
		conversations: store.conversationsOf(asUserId('anna')),
		documents: store.documentsOf(convId),
		annaReadsBoard: store.mayRead(asUserId('anna'), 'board1'),
		tomasReadsBoard: store.mayRead(asUserId('tomas'), 'board1')
	};
}

/** A directory store under test: where it keeps things, and what it has written there (to see that nothing was). */
interface DirectoryKind {
	name: string;
	place(): Promise<string>;
	open(place: string): Promise<DirectoryStore>;
	written(place: string): Promise<string>;
}

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

const journalKind: DirectoryKind = {
	name: 'the journal in DATA_DIR',
	async place() {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		return dataDir;
	},
	open: async (dataDir) => open(dataDir),
	written: async (dataDir) => readFileSync(join(dataDir, 'directory.jsonl'), 'utf8')
};

const postgresKind: DirectoryKind = {
	name: 'PostgreSQL',
	place: () => postgres.createDatabase(),
	async open(url) {
		const database = await openDatabase(url);
		const store = await openPostgresDirectory(database.pool);
		const closing = { ...store, close: () => store.close().then(() => database.close()) };
		stores.push(closing);
		return closing;
	},
	async written(url) {
		const client = new pg.Client({ connectionString: url });
		await client.connect();
		try {
			return JSON.stringify((await client.query('SELECT seq, event FROM directory_events ORDER BY seq')).rows);
		} finally {
			await client.end();
		}
	}
};

describe.each([journalKind, postgresKind])('the directory in $name', (kind) => {
	it('has everything acknowledged after a reopen', async () => {
		const place = await kind.place();
		let store = await kind.open(place);
		await fill(store);
		const before = describeState(store);
		expect(before.annaReadsBoard).toBe(true);
		expect(before.tomasReadsBoard).toBe(false); // disabled
		expect(store.person(asUserId('tomas'))).toMatchObject({ disabled: true, tokenEpoch: 1 });
		await store.close();
		store = await kind.open(place);
		expect(describeState(store)).toEqual(before);
		expect(store.person(asUserId('tomas'))).toMatchObject({ disabled: true, tokenEpoch: 1 });
	});

	it('refuses changes that break the directory, writing nothing', async () => {
		const place = await kind.place();
		const store = await kind.open(place);
		await fill(store);
		const written = await kind.written(place);
		await expect(store.commit({ type: 'personAdded', person: person('anna', 'acme') })).rejects.toThrow(/already taken/);
		await expect(store.commit({ type: 'personAdded', person: person('eve', 'nowhere') })).rejects.toThrow(/No organisation/);
		await expect(store.commit({ type: 'membersAdded', conversationId: convId, members: [asUserId('ghost')], by: asUserId('anna') })).rejects.toThrow(/No person/);
		expect(await kind.written(place)).toBe(written);
		expect(store.people().map((p) => p.username)).toEqual(['anna', 'tomas']);
	});

	it('loads the first directory once, and only into an empty one', async () => {
		const place = await kind.place();
		const store = await kind.open(place);
		const first: DirectoryEvent[] = [{ type: 'orgAdded', org: { id: asOrgId('acme'), name: 'Acme' } }, { type: 'personAdded', person: person('anna', 'acme') }];
		expect(await store.seedIfEmpty(async () => first)).toBe(true);
		expect(await store.seedIfEmpty(async () => [{ type: 'orgAdded', org: { id: asOrgId('beta'), name: 'Beta' } }])).toBe(false);
		await store.close();
		expect((await kind.open(place)).organisations().map((o) => o.id)).toEqual(['acme']);
	});
});

describe('the directory journal', () => {
	it('drops a torn last line with a warning, and keeps working', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		await fill(store);
		const before = describeState(store);
		await store.close();
		stores.length = 0;
		appendFileSync(join(dataDir, 'directory.jsonl'), '{"type":"personAdded","person":{"id":"half');
		const warnings: string[] = [];
		store = open(dataDir, warnings);
		expect(warnings.join()).toMatch(/last line was cut off/);
		expect(describeState(store)).toEqual(before);
		await store.commit({ type: 'personAdded', person: person('eve', 'acme') });
		store = await reopen(store, dataDir);
		expect(store.person(asUserId('eve'))?.name).toBe('EVE');
	});

	it('drops a damaged last line that did get its newline, and keeps what came before, multi-byte names included', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		await fill(store);
		await store.commit({ type: 'personAdded', person: { ...person('zoe', 'acme'), name: 'Zoë Dvořáková' } });
		const before = describeState(store);
		await store.close();
		stores.length = 0;
		const path = join(dataDir, 'directory.jsonl');
		const good = readFileSync(path);
		appendFileSync(path, '{"type":"personAdded","person":{"id":"ř\n');
		const warnings: string[] = [];
		store = open(dataDir, warnings);
		expect(warnings.join()).toMatch(/last line was cut off/);
		expect(describeState(store)).toEqual(before);
		expect(store.person(asUserId('zoe'))?.name).toBe('Zoë Dvořáková');
		// Cut at the damaged line's first byte, in bytes (the names before it are longer in UTF-8 than in characters).
		expect(readFileSync(path).equals(good)).toBe(true);
	});

	it('refuses to start on damage before the last line', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		const store = open(dataDir);
		await fill(store);
		await store.close();
		stores.length = 0;
		const path = join(dataDir, 'directory.jsonl');
		const lines = readFileSync(path, 'utf8').split('\n');
		lines[1] = '{garbage';
		writeFileSync(path, lines.join('\n'));
		expect(() => open(dataDir)).toThrow(JournalCorrupt);
	});

	it('compacts a long journal at start and keeps the state', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		await fill(store);
		for (let i = 0; i < 150; i++) {
			await store.commit({ type: 'personEnabled', userId: asUserId('tomas') });
			await store.commit({ type: 'personDisabled', userId: asUserId('tomas') });
		}
		const before = describeState(store);
		const path = join(dataDir, 'directory.jsonl');
		expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(308);
		store = await reopen(store, dataDir);
		expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(6);
		expect(describeState(store)).toEqual(before);
		expect(store.person(asUserId('tomas'))).toMatchObject({ disabled: true, tokenEpoch: 151 });
		store = await reopen(store, dataDir);
		expect(describeState(store)).toEqual(before);
	});

	it('refuses a second writer on the same DATA_DIR', async () => {
		const relay = await startRelay();
		try {
			await expect(startRelay({ dataDir: relay.dataDir })).rejects.toThrow(DataDirLocked);
			expect(() => openJournalStore(relay.dataDir)).toThrow(/Another Caseroom relay \(pid \d+\) is using/);
			// The refused start took nothing down.
			expect((await fetch(`${relay.url}/health`)).status).toBe(200);
		} finally {
			await relay.close();
		}
	});
});
