// A full disk on the relay: nothing is acknowledged that is not on disk, the API says what happened, the relay
// keeps running, and everything goes through by itself once there is space again. DATA_DIR is a 1 MiB tmpfs in
// a private mount namespace (`unshare -rm`: root, or unprivileged user namespaces); the test fills it from outside
// through /proc/<pid>/root.
import '@automerge/automerge';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import { postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { api, login, spawnRelay, tempDataDir, type ChildRelay } from '../helpers/relay.ts';
import { fillDisk, inTmpfs } from '../helpers/tmpfs.ts';
import { FAST_BACKOFF, shutdownAll, until } from './sync-harness.ts';

const dataDir = tempDataDir();
let relay: ChildRelay;
let petr: ClientRepo;
/** DATA_DIR as the relay sees it: its tmpfs, not the empty directory under it. */
const relayDataDir = () => `/proc/${relay.pid}/root${dataDir}`;
const filler = () => join(relayDataDir(), 'filler');

beforeAll(async () => {
	relay = await spawnRelay(dataDir, {}, inTmpfs(dataDir));
	const session = await login(relay.url, 'petr');
	const url = `${relay.url.replace(/^http/, 'ws')}/sync`;
	petr = createClientRepo({ url, token: session.token, userId: session.user.id, webSocket: WebSocket, backoff: FAST_BACKOFF });
});
afterAll(async () => {
	await shutdownAll(petr ? [petr] : []);
	await relay?.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

const register = async (documentId: string) =>
	api(relay.url, '/api/conversations', { token: (await login(relay.url, 'petr')).token, body: { documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });

const newCaseChat = (client: ClientRepo) => client.repo.create<ConversationDoc>(petrsCaseChatWithAnna());

describe('the relay with a full disk', () => {
	it('acknowledges nothing it could not save, says so, and catches up once there is space', async () => {
		const handle = newCaseChat(petr);
		expect((await register(handle.documentId)).status).toBe(201);
		expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);

		fillDisk(filler());
		// Longer than a page: a small change could still fit in the last page the relay's document log holds.
		const report = `Spindle vibration 4.2 mm/s at 12000 rpm, log follows.\n${Array.from({ length: 300 }, (_, i) => `t+${i}s axis X ${(i * 0.37) % 5} mm/s, ${(i * 7919) % 12000} rpm`).join('\n')}`;
		handle.change((doc) => postMessage(doc, { id: asMessageId('report'), author: asUserId('petr'), at: Date.now(), text: report }));
		expect(await petr.delivery.whenDelivered(handle, 2000)).toBe(false);

		// The journal's last page may still take a few registrations; then the disk refuses.
		let refused = await register(newCaseChat(petr).documentId);
		for (let i = 0; i < 100 && refused.status === 201; i++) refused = await register(newCaseChat(petr).documentId);
		expect(refused.status).toBe(507);
		expect(refused.body.error).toMatch(/disk is full.*nothing was saved/i);
		expect((await fetch(`${relay.url}/health`)).ok).toBe(true);
		expect((await login(relay.url, 'anna')).token).toBeTruthy();

		rmSync(filler());
		expect(await petr.delivery.whenDelivered(handle, 15_000)).toBe(true);
		expect((await register(newCaseChat(petr).documentId)).status).toBe(201);
		// The failed registration left no half line behind: every line of the journal still reads.
		const journal = readFileSync(join(relayDataDir(), 'directory.jsonl'), 'utf8').trim().split('\n');
		for (const line of journal) expect(() => JSON.parse(line)).not.toThrow();
	});
});
