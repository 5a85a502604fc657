// The whole relay, as `npm start` runs it (one child process): people sign in through /api/login, a conversation is
// registered through /api/conversations, and its Automerge document then flows over /sync to its members only.
// The sync-*.test.ts files test the sync layer alone, with a fake directory; this one tests them together.
import '@automerge/automerge';
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import { postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { api, login, runAdmin, spawnRelay, tempDataDir, type ChildRelay } from '../helpers/relay.ts';
import { registeredCaseChat, signedInClient as signedIn } from '../helpers/signed-in.ts';
import { rawSocket, shutdownAll, until } from './sync-harness.ts';

const dataDir = tempDataDir();
let relay: ChildRelay;
const clients: ClientRepo[] = [];

beforeAll(async () => {
	relay = await spawnRelay(dataDir);
});
afterAll(async () => {
	await shutdownAll(clients);
	await relay?.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

const syncUrl = () => `${relay.url.replace(/^http/, 'ws')}/sync`;

async function signedInClient(username: string): Promise<ClientRepo> {
	const client = await signedIn(relay.url, username);
	clients.push(client);
	return client;
}

const messageTexts = (handle: DocHandle<ConversationDoc>) => handle.doc().messages.flatMap((m) => (m.kind === 'text' ? [m.text] : []));

/** Petr (GFMS) opens a service case chat with Anna (Acme) on SC-1042 and posts a first message. */
const petrOpensCaseChat = (petr: ClientRepo, text: string) =>
	registeredCaseChat(relay.url, petr, (doc) => postMessage(doc, { id: asMessageId(`m-${Math.random()}`), author: asUserId('petr'), at: Date.now(), text }));

describe('a registered conversation through the whole relay', () => {
	it('reaches its members, who converge on concurrent messages', async () => {
		const petr = await signedInClient('petr');
		const handle = await petrOpensCaseChat(petr, 'Please send a photo of the wire guide.');
		const anna = await signedInClient('anna');
		const annaHandle = await anna.repo.find<ConversationDoc>(handle.url);
		expect(messageTexts(annaHandle)).toEqual(['Please send a photo of the wire guide.']);

		handle.change((doc) => postMessage(doc, { id: asMessageId('p2'), author: asUserId('petr'), at: Date.now(), text: 'from petr' }));
		annaHandle.change((doc) => postMessage(doc, { id: asMessageId('a1'), author: asUserId('anna'), at: Date.now(), text: 'from anna' }));
		await until(() => messageTexts(handle).length === 3 && messageTexts(annaHandle).length === 3, 5000, 'both messages on both sides');
		expect(messageTexts(annaHandle)).toEqual(messageTexts(handle));
	});

	it('gives nothing to a colleague who is not a member, a customer of another organisation, or a socket without a token', async () => {
		const petr = await signedInClient('petr');
		const handle = await petrOpensCaseChat(petr, 'confidential: spindle serial 4711');
		for (const outsider of ['tomas', 'jan']) {
			const client = await signedInClient(outsider);
			await expect(client.repo.find(handle.url as AutomergeUrl)).rejects.toThrow(/unavailable/);
		}
		const anonymous = rawSocket(syncUrl(), null);
		await expect(anonymous.opened).rejects.toThrow(/401/);
	});

	it('serves a member added later, and no longer serves a person disabled by the admin', async () => {
		const petr = await signedInClient('petr');
		const handle = await petrOpensCaseChat(petr, 'Tomáš, can you check the generator?');
		const tomas = await signedInClient('tomas');
		await expect(tomas.repo.find(handle.url as AutomergeUrl)).rejects.toThrow(/unavailable/);

		const { token } = await login(relay.url, 'anna');
		expect((await api(relay.url, `/api/conversations/${handle.documentId}/members`, { token, body: { add: ['tomas'] } })).status).toBe(200);
		const tomasLater = await signedInClient('tomas');
		expect(messageTexts(await tomasLater.repo.find<ConversationDoc>(handle.url))).toEqual(['Tomáš, can you check the generator?']);

		expect((await runAdmin(dataDir, 'disable', 'tomas')).code).toBe(0);
		await until(() => tomasLater.connection.current.status !== 'online', 5000, 'tomas cut off');
		expect((await api(relay.url, '/api/login', { body: { username: 'tomas', password: 'demo' } })).status).toBe(401);
	});

	it('keeps an acknowledged message through kill -9 and a restart', async () => {
		const petr = await signedInClient('petr');
		const handle = await petrOpensCaseChat(petr, 'before the crash');
		handle.change((doc) => postMessage(doc, { id: asMessageId('last'), author: asUserId('petr'), at: Date.now(), text: 'acknowledged, then kill -9' }));
		expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
		await relay.kill('SIGKILL');

		relay = await spawnRelay(dataDir);
		const anna = await signedInClient('anna');
		const annaHandle = await anna.repo.find<ConversationDoc>(handle.url);
		expect(messageTexts(annaHandle)).toEqual(['before the crash', 'acknowledged, then kill -9']);
	});
});
