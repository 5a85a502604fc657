// The relay on PostgreSQL (DATABASE_URL), on a server of this file's own, with real clients: the demo accounts
// served from the database; kill -9 of the relay while Petr writes, and after the restart his conversation, every
// message he saw reach the relay and his sign-in are still there; PostgreSQL stopped for a moment: nothing is
// acknowledged, the API says so, and everything goes through once it is back; two relays on one database agree on
// the directory after catchUp, accept each other's tokens and serve the same documents.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from '../../src/lib/model/conversation.ts';
import { demoPeople } from '../../src/lib/model/demo.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { api, login, spawnRelay, startRelay, tempDataDir, type ChildRelay, type TestRelay } from '../helpers/relay.ts';
import { ourClient, removeDir, shutdownAll, sleep, until } from './sync-harness.ts';

let postgres: TestPostgres;
beforeAll(async () => {
	postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.close());

const clients: ClientRepo[] = [];
const relays: TestRelay[] = [];
const children: ChildRelay[] = [];
const dirs: string[] = [];
afterEach(async () => {
	await shutdownAll(clients.splice(0));
	await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
	await Promise.all(relays.splice(0).map((r) => r.close()));
	dirs.splice(0).forEach(removeDir);
});

/** A signed-in client of the real relay at `url` (http://…). */
async function signedIn(url: string, username: string): Promise<{ client: ClientRepo; token: string }> {
	const { token } = await login(url, username);
	const client = ourClient(`${url.replace(/^http/, 'ws')}/sync`, username, { token });
	clients.push(client);
	return { client, token };
}

const register = (url: string, token: string, documentId: string) => api(url, '/api/conversations', { token, body: { documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
const say = (n: number) => (doc: ConversationDoc) => postMessage(doc, { id: asMessageId(`m${n}`), author: asUserId('petr'), at: Date.now(), text: `Wire tension reading ${n}` });
const texts = (doc: ConversationDoc) => doc.messages.map((m) => ('text' in m ? m.text : '')).filter((t) => t.startsWith('Wire'));

describe('the relay on PostgreSQL', () => {
	it('serves the demo accounts, and keeps conversations, acknowledged messages and sign-ins through kill -9 mid-traffic', { timeout: 90_000 }, async () => {
		const databaseUrl = await postgres.createDatabase();
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		let relay = await spawnRelay(dataDir, { DATABASE_URL: databaseUrl });
		children.push(relay);
		expect(relay.output()).toMatch(/Loaded the demo directory/);
		expect(relay.output()).toMatch(/Caseroom relay on \S+ \(PostgreSQL 127\.0\.0\.1:\d+\/caseroom_\d+_\d+\)/);
		const petr = await signedIn(relay.url, 'petr');
		const handle = petr.client.repo.create<ConversationDoc>(petrsCaseChatWithAnna());
		expect((await register(relay.url, petr.token, handle.documentId)).status).toBe(201);

		// Petr writes one message after another; each one the relay acknowledged is counted.
		let acknowledged = 0;
		let writing = true;
		const writer = (async () => {
			for (let n = 1; writing; n++) {
				handle.change(say(n));
				if (await petr.client.delivery.whenDelivered(handle, 1000)) acknowledged = n;
			}
		})();
		await until(() => acknowledged >= 5, 15_000, 'five acknowledged messages');
		await sleep(Math.random() * 300);
		await relay.kill('SIGKILL');
		writing = false;
		await writer;

		relay = await spawnRelay(dataDir, { DATABASE_URL: databaseUrl });
		children.push(relay);
		expect(relay.output()).not.toMatch(/Loaded the demo directory/);
		// Signed in before the kill: the key is in the database, and so is Petr.
		expect((await api(relay.url, '/api/me', { token: petr.token })).status).toBe(200);
		const anna = await signedIn(relay.url, 'anna');
		const listed = await api(relay.url, '/api/conversations', { token: anna.token });
		expect(listed.body.map((c: { id: string }) => c.id)).toEqual([handle.documentId]);
		const annas = await anna.client.repo.find<ConversationDoc>(handle.url);
		const expected = Array.from({ length: acknowledged }, (_, i) => `Wire tension reading ${i + 1}`);
		expect(texts(annas.doc()).slice(0, acknowledged)).toEqual(expected);
	});

	it('acknowledges nothing while PostgreSQL is down, says so, and catches up once it is back', { timeout: 60_000 }, async () => {
		const relay = await startRelay({ databaseUrl: await postgres.createDatabase() });
		relays.push(relay);
		const petr = await signedIn(relay.url, 'petr');
		const handle = petr.client.repo.create<ConversationDoc>(petrsCaseChatWithAnna());
		expect((await register(relay.url, petr.token, handle.documentId)).status).toBe(201);
		expect(await petr.client.delivery.whenDelivered(handle, 5000)).toBe(true);

		await postgres.stop();
		try {
			handle.change(say(1));
			expect(await petr.client.delivery.whenDelivered(handle, 1500)).toBe(false);
			const refused = await register(relay.url, petr.token, petr.client.repo.create<ConversationDoc>(petrsCaseChatWithAnna()).documentId);
			expect(refused.status).toBe(503);
			expect(refused.body.error).toMatch(/cannot reach its database, so nothing was saved/);
			// Signing in needs no write: it still works, from the directory in memory.
			expect((await login(relay.url, 'anna')).token).toBeTruthy();
		} finally {
			await postgres.start();
		}
		expect(await petr.client.delivery.whenDelivered(handle, 15_000)).toBe(true);
		expect((await register(relay.url, petr.token, petr.client.repo.create<ConversationDoc>(petrsCaseChatWithAnna()).documentId)).status).toBe(201);
		const anna = await signedIn(relay.url, 'anna');
		expect(texts((await anna.client.repo.find<ConversationDoc>(handle.url)).doc())).toEqual(['Wire tension reading 1']);
	});

	it('lets two relays on one database see the same directory after catchUp, accept each other\'s tokens and serve the same documents', { timeout: 60_000 }, async () => {
		const databaseUrl = await postgres.createDatabase();
		const [a, b] = await Promise.all([startRelay({ databaseUrl }), startRelay({ databaseUrl })]);
		relays.push(a!, b!);
		// Started together on an empty database: the demo directory was loaded once.
		expect(a!.server.store.people().length).toBe(demoPeople.length);
		expect(b!.server.store.people().length).toBe(demoPeople.length);

		const petr = await signedIn(a!.url, 'petr');
		const handle = petr.client.repo.create<ConversationDoc>(petrsCaseChatWithAnna());
		handle.change(say(1));
		expect((await register(a!.url, petr.token, handle.documentId)).status).toBe(201);
		expect(await petr.client.delivery.whenDelivered(handle, 5000)).toBe(true);

		expect(b!.server.store.conversation(handle.documentId)).toBeUndefined();
		await b!.server.store.catchUp();
		expect(b!.server.store.conversation(handle.documentId)?.members).toEqual(['petr', 'anna']);
		// Petr's token from A is good on B; Anna, on B, gets what Petr wrote through A, from the database.
		expect((await api(b!.url, '/api/me', { token: petr.token })).status).toBe(200);
		const anna = await signedIn(b!.url, 'anna');
		expect((await api(b!.url, '/api/conversations', { token: anna.token })).body.map((c: { id: string }) => c.id)).toEqual([handle.documentId]);
		expect(texts((await anna.client.repo.find<ConversationDoc>(handle.url)).doc())).toEqual(['Wire tension reading 1']);

		// A registration through B that B has not caught up with is still checked against everything committed: a
		// second registration of the same document through A is refused, not written twice.
		const second = petr.client.repo.create<ConversationDoc>(petrsCaseChatWithAnna()).documentId;
		expect((await register(b!.url, petr.token, second)).status).toBe(201);
		expect(a!.server.store.conversation(second)).toBeUndefined();
		const twice = await api(a!.url, '/api/conversations', { token: petr.token, body: { documentId: second, kind: 'direct', members: ['eva'] } });
		expect(twice.status).toBe(409);
		expect(twice.body.error).toMatch(/already registered/);
		expect(a!.server.store.conversation(second)?.kind).toBe('case');
	});
});
