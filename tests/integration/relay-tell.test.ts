// Tell, don't poll: when a conversation is started with a person, or they are added or removed, every device of theirs
// that is online hears it within a second, as a live message of the relay's own on their personal document; nobody
// else hears anything.
import type { DocHandle } from '@automerge/automerge-repo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPersonal } from '../../src/lib/model/personal.ts';
import { isPersonalNotice, type PersonalDoc } from '../../src/lib/model/personal-schema.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { openOrStart } from '../../src/lib/sync/open-or-start.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';
import { signedInClient } from '../helpers/signed-in.ts';
import { shutdownAll, sleep, until } from './sync-harness.ts';

let relay: TestRelay;
const clients: ClientRepo[] = [];

beforeAll(async () => {
	relay = await startRelay();
});
afterAll(async () => {
	await shutdownAll(clients);
	await relay?.close();
});

/** A signed-in device with its person's own document open, counting the relay's notices on it. */
async function device(username: string): Promise<{ notices: number[]; handle: DocHandle<PersonalDoc> }> {
	const client = await signedInClient(relay.url, username);
	clients.push(client);
	const { user } = await login(relay.url, username);
	const handle = await openOrStart<PersonalDoc>(client.repo, user.personalDocumentId!, startPersonal);
	const notices: number[] = [];
	handle.on('ephemeral-message', ({ message }) => isPersonalNotice(message) && notices.push(Date.now()));
	// The relay knows the document is open on this connection once it has synced it.
	await until(() => client.delivery.isDelivered(handle), 5000, `${username}'s own document at the relay`);
	return { notices, handle };
}

it("tells a person's online devices within a second that a conversation was started with them, and that they were removed", async () => {
	const annasTablet = await device('anna');
	const annasPhone = await device('anna');
	const tomas = await device('tomas');
	const jan = await device('jan');
	const { token } = await login(relay.url, 'petr');
	const documentId = (await signedInClient(relay.url, 'petr').then((p) => (clients.push(p), p))).repo.create(petrsCaseChatWithAnna()).documentId;

	const started = Date.now();
	const registered = await api(relay.url, '/api/conversations', { token, body: { documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
	expect(registered.status).toBe(201);
	await until(() => annasTablet.notices.length > 0 && annasPhone.notices.length > 0, 1000, "anna's devices to hear of it");
	expect(Math.max(annasTablet.notices[0]!, annasPhone.notices[0]!) - started).toBeLessThan(1000);

	const added = await api(relay.url, `/api/conversations/${documentId}/members`, { token, body: { add: ['tomas'] } });
	expect(added.status).toBe(200);
	await until(() => tomas.notices.length === 1, 1000, 'tomas to hear he was added');

	const removed = await api(relay.url, `/api/conversations/${documentId}/members/remove`, { token, body: { remove: ['anna'] } });
	expect(removed.status).toBe(200);
	await until(() => annasTablet.notices.length >= 3 && annasPhone.notices.length >= 3, 1000, 'anna to hear she was removed');

	// Jan, of another organisation, is in none of it and hears nothing.
	await sleep(300);
	expect(jan.notices).toEqual([]);
});
