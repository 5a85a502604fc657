// The directory journal: what was acknowledged is there after a reopen, a torn last line is dropped,
// compaction keeps the state, and a second writer on the same DATA_DIR is refused.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asCaseId, asConversationId, asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import { DataDirLocked } from '../../sync-server/storage/data-lock.ts';
import type { StoredPerson } from '../../sync-server/directory/events.ts';
import { openJournalStore, type DirectoryStore } from '../../sync-server/directory/store.ts';
import { JournalCorrupt } from '../../sync-server/storage/journal.ts';
import { startRelay, tempDataDir } from '../helpers/relay.ts';

const dirs: string[] = [];
const stores: DirectoryStore[] = [];
afterEach(() => {
	for (const s of stores.splice(0)) s.close();
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dataDir: string, warnings: string[] = []) {
	const store = openJournalStore(dataDir, { warn: (m) => warnings.push(m) });
	stores.push(store);
	return store;
}
function reopen(store: DirectoryStore, dataDir: string, warnings: string[] = []) {
	store.close();
	return open(dataDir, warnings);
}

const person = (id: string, org: string): StoredPerson => ({
	id: asUserId(id), username: id, name: id.toUpperCase(), org: asOrgId(org), role: 'customer', disabled: false, passwordHash: 'scrypt$x', tokenEpoch: 0
});
const convId = asConversationId('2k3Y5pCrQzFmW6bsfNPXp8akjGqE');

function fill(store: DirectoryStore) {
	store.commit({ type: 'orgAdded', org: { id: asOrgId('acme'), name: 'Acme' } });
	store.commit({ type: 'personAdded', person: person('anna', 'acme') });
	store.commit({ type: 'personAdded', person: person('tomas', 'acme') });
	store.commit({ type: 'caseAdded', serviceCase: { id: asCaseId('SC-1'), number: 'SC-1', title: 'Case', org: asOrgId('acme') } });
	store.commit({ type: 'conversationRegistered', conversation: { id: convId, kind: 'case', caseId: asCaseId('SC-1'), members: [asUserId('anna')], createdBy: asUserId('anna'), createdAt: 1 } });
	store.commit({ type: 'membersAdded', conversationId: convId, members: [asUserId('tomas')], by: asUserId('anna') });
	store.commit({ type: 'documentAttached', document: { documentId: 'board1', conversationId: convId, kind: 'whiteboard', attachedBy: asUserId('tomas'), attachedAt: 2 } });
	store.commit({ type: 'personDisabled', userId: asUserId('tomas') });
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

describe('the directory journal', () => {
	it('has everything acknowledged after a reopen', () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		fill(store);
		const before = describeState(store);
		expect(before.annaReadsBoard).toBe(true);
		expect(before.tomasReadsBoard).toBe(false); // disabled
		expect(store.person(asUserId('tomas'))).toMatchObject({ disabled: true, tokenEpoch: 1 });
		store = reopen(store, dataDir);
		expect(describeState(store)).toEqual(before);
		expect(store.person(asUserId('tomas'))).toMatchObject({ disabled: true, tokenEpoch: 1 });
	});

	it('refuses changes that break the directory, writing nothing', () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		const store = open(dataDir);
		fill(store);
		const lines = readFileSync(join(dataDir, 'directory.jsonl'), 'utf8');
		expect(() => store.commit({ type: 'personAdded', person: person('anna', 'acme') })).toThrow(/already taken/);
		expect(() => store.commit({ type: 'personAdded', person: person('eve', 'nowhere') })).toThrow(/No organisation/);
		expect(() => store.commit({ type: 'membersAdded', conversationId: convId, members: [asUserId('ghost')], by: asUserId('anna') })).toThrow(/No person/);
		expect(readFileSync(join(dataDir, 'directory.jsonl'), 'utf8')).toBe(lines);
	});

	it('drops a torn last line with a warning, and keeps working', () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		fill(store);
		const before = describeState(store);
		store.close();
		stores.length = 0;
		appendFileSync(join(dataDir, 'directory.jsonl'), '{"type":"personAdded","person":{"id":"half');
		const warnings: string[] = [];
		store = open(dataDir, warnings);
		expect(warnings.join()).toMatch(/last line was cut off/);
		expect(describeState(store)).toEqual(before);
		store.commit({ type: 'personAdded', person: person('eve', 'acme') });
		store = reopen(store, dataDir);
		expect(store.person(asUserId('eve'))?.name).toBe('EVE');
	});

	it('drops a damaged last line that did get its newline, and keeps what came before, multi-byte names included', () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		fill(store);
		store.commit({ type: 'personAdded', person: { ...person('zoe', 'acme'), name: 'Zoë Dvořáková' } });
		const before = describeState(store);
		store.close();
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

	it('refuses to start on damage before the last line', () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		const store = open(dataDir);
		fill(store);
		store.close();
		stores.length = 0;
		const path = join(dataDir, 'directory.jsonl');
		const lines = readFileSync(path, 'utf8').split('\n');
		lines[1] = '{garbage';
		writeFileSync(path, lines.join('\n'));
		expect(() => open(dataDir)).toThrow(JournalCorrupt);
	});

	it('compacts a long journal at start and keeps the state', () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let store = open(dataDir);
		fill(store);
		for (let i = 0; i < 150; i++) {
			store.commit({ type: 'personEnabled', userId: asUserId('tomas') });
			store.commit({ type: 'personDisabled', userId: asUserId('tomas') });
		}
		const before = describeState(store);
		const path = join(dataDir, 'directory.jsonl');
		expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(308);
		store = reopen(store, dataDir);
		expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(6);
		expect(describeState(store)).toEqual(before);
		expect(store.person(asUserId('tomas'))).toMatchObject({ disabled: true, tokenEpoch: 151 });
		store = reopen(store, dataDir);
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
