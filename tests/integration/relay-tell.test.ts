// Tell, don't poll: when a conversation is started with a person, or they are added or removed, every device of theirs
// that is online hears it within a second, as a live message of the relay's own on their personal document; nobody
// else hears anything.
import type { DocHandle } from '@automerge/automerge-repo';
import { expect, it } from 'vitest';
import { startPersonal } from '../../src/lib/model/personal.ts';
import { isPersonalNotice, type PersonalDoc } from '../../src/lib/model/personal-schema.ts';
import { openOrStart } from '../../src/lib/sync/open-or-start.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { api, login } from '../helpers/relay.ts';
import { useRelayWithClients } from '../helpers/signed-in.ts';
import { sleep, until } from './sync-harness.ts';

const files = useRelayWithClients();

/** A signed-in device with its person's own document open, counting the relay's notices on it. */
async function device(username: string): Promise<{ notices: number[]; handle: DocHandle<PersonalDoc> }> {
	const client = await files.signIn(username);
	const { user } = await login(files.relay.url, username);
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
	const { token } = await login(files.relay.url, 'petr');
	const documentId = (await files.signIn('petr')).repo.create(petrsCaseChatWithAnna()).documentId;

	const started = Date.now();
	const registered = await api(files.relay.url, '/api/conversations', { token, body: { documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
	expect(registered.status).toBe(201);
	await until(() => annasTablet.notices.length > 0 && annasPhone.notices.length > 0, 1000, "anna's devices to hear of it");
	expect(Math.max(annasTablet.notices[0]!, annasPhone.notices[0]!) - started).toBeLessThan(1000);

	const added = await api(files.relay.url, `/api/conversations/${documentId}/members`, { token, body: { add: ['tomas'] } });
	expect(added.status).toBe(200);
	await until(() => tomas.notices.length === 1, 1000, 'tomas to hear he was added');

	const removed = await api(files.relay.url, `/api/conversations/${documentId}/members/remove`, { token, body: { remove: ['anna'] } });
	expect(removed.status).toBe(200);
	await until(() => annasTablet.notices.length >= 3 && annasPhone.notices.length >= 3, 1000, 'anna to hear she was removed');

	// Jan, of another organisation, is in none of it and hears nothing.
	await sleep(300);
	expect(jan.notices).toEqual([]);
});
