// Kill -9 of the relay right after it acknowledged a registration loses nothing: the conversation and its
// members are still registered after a restart (the directory side; the sync side has its own test).
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, login, spawnRelay, tempDataDir, type ChildRelay } from '../helpers/relay.ts';

const newDocumentId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
const dataDir = tempDataDir();
let relay: ChildRelay | undefined;
afterAll(async () => {
	await relay?.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9', () => {
	it('keeps every acknowledged registration', async () => {
		relay = await spawnRelay(dataDir);
		const petr = await login(relay.url, 'petr');
		const ids = Array.from({ length: 5 }, newDocumentId);
		for (const id of ids) {
			const res = await api(relay.url, '/api/conversations', { token: petr.token, body: { documentId: id, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
			expect(res.status).toBe(201);
		}
		const added = await api(relay.url, `/api/conversations/${ids[4]}/members`, { token: petr.token, body: { add: ['tomas'] } });
		expect(added.status).toBe(200);
		await relay.kill('SIGKILL');

		// The lock of the killed relay is stale: the restart takes it over; the signing key survived too.
		relay = await spawnRelay(dataDir);
		expect((await api(relay.url, '/api/me', { token: petr.token })).status).toBe(200);
		const anna = await login(relay.url, 'anna');
		const listed = await api(relay.url, '/api/conversations', { token: anna.token });
		expect(listed.body.map((c: { id: string }) => c.id)).toEqual(ids);
		const tomas = await login(relay.url, 'tomas');
		expect((await api(relay.url, '/api/conversations', { token: tomas.token })).body.map((c: { id: string }) => c.id)).toEqual([ids[4]]);
	});

	it('stops cleanly on SIGTERM, releasing DATA_DIR', async () => {
		await relay?.kill('SIGKILL');
		relay = await spawnRelay(dataDir);
		expect(existsSync(join(dataDir, 'relay.lock'))).toBe(true);
		await relay.kill('SIGTERM');
		expect(relay.process.exitCode).toBe(0);
		expect(relay.output()).toMatch(/SIGTERM: closing connections/);
		expect(existsSync(join(dataDir, 'relay.lock'))).toBe(false);
		expect(existsSync(join(dataDir, 'admin.sock'))).toBe(false);
	});
});
