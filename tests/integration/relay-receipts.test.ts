// A conversation's receipts document and each person's own document through the whole relay: members' devices start
// the receipts document on their own (offline, before the conversation is even registered) and every mark arrives
// at every member; nobody else reads or writes it; a person's own document follows them to their other device and
// to nobody else, its id given with the sign-in.
import type { DocHandle, DocumentId } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { receiptsDocumentId } from '../../src/lib/model/derived-ids.ts';
import { asUserId } from '../../src/lib/model/ids.ts';
import { isMuted, setMuted, startPersonal } from '../../src/lib/model/personal.ts';
import type { PersonalDoc } from '../../src/lib/model/personal-schema.ts';
import { markSeen, readMark, readMarks, startReceipts } from '../../src/lib/model/receipts.ts';
import type { ReceiptsDoc } from '../../src/lib/model/receipts-schema.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { openOrStart } from '../../src/lib/sync/open-or-start.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { api, login } from '../helpers/relay.ts';
import { useRelayWithClients } from '../helpers/signed-in.ts';
import { sleep, until } from './sync-harness.ts';

const files = useRelayWithClients();

const client = (username: string) => files.signIn(username);

const openReceipts = (c: ClientRepo, conversationId: string) =>
	openOrStart<ReceiptsDoc>(c.repo, receiptsDocumentId(conversationId), (d) => startReceipts(d, conversationId));
const mark = (handle: DocHandle<ReceiptsDoc>, user: string, count: number) =>
	handle.change((d) => void markSeen(d, asUserId(user), { count, at: Date.now(), last: null }));
const marksOf = (handle: DocHandle<ReceiptsDoc>) => Object.fromEntries([...readMarks(handle.doc())].map(([u, m]) => [u, m.count]));

describe('receipts documents through the relay', () => {
	it('merges marks that members started offline, before the conversation was registered, and keeps outsiders out', async () => {
		const petr = await client('petr');
		const anna = await client('anna');
		const annasPhone = await client('anna');
		// Petr creates the conversation; until it is registered the relay serves neither it nor its receipts.
		const chat = petr.repo.create(petrsCaseChatWithAnna());
		const id = chat.documentId;
		const petrs = await openReceipts(petr, id);
		mark(petrs, 'petr', 1);
		const annas = await openReceipts(anna, id);
		mark(annas, 'anna', 1);
		expect(readMark(annas.doc(), asUserId('petr'))).toBeNull();

		const { token } = await login(files.relay.url, 'petr');
		const registered = await api(files.relay.url, '/api/conversations', { token, body: { documentId: id, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
		expect(registered.status).toBe(201);
		await until(() => marksOf(annas).petr === 1 && marksOf(petrs).anna === 1, 10_000, 'both marks at both');

		// Anna's phone never held it: it opens at once and fills from the relay; what it marks reaches Petr.
		const onPhone = await openReceipts(annasPhone, id);
		await until(() => marksOf(onPhone).petr === 1 && marksOf(onPhone).anna === 1, 5000, "marks on anna's phone");
		mark(onPhone, 'anna', 2);
		await until(() => marksOf(petrs).anna === 2 && marksOf(annas).anna === 2, 5000, "the phone's mark everywhere");

		// Jan is no member: he cannot load it, and what he writes into a copy of his own reaches nobody.
		const jan = await client('jan');
		await expect(jan.repo.find(receiptsDocumentId(id) as DocumentId)).rejects.toThrow(/unavailable/);
		const jans = await openReceipts(jan, id);
		mark(jans, 'jan', 99);
		mark(petrs, 'petr', 2);
		await until(() => marksOf(annas).petr === 2, 5000, "petr's next mark");
		await sleep(300);
		expect(marksOf(annas).jan).toBeUndefined();
		expect(marksOf(petrs).jan).toBeUndefined();

		// The API refuses the receipts id as a conversation or a whiteboard of its own.
		for (const [path, body] of [
			['/api/conversations', { documentId: receiptsDocumentId(id), kind: 'direct', members: [] }],
			[`/api/conversations/${id}/documents`, { documentId: receiptsDocumentId(id), kind: 'whiteboard' }]
		] as const)
			expect((await api(files.relay.url, path, { token, body })).status).toBe(409);

		// A member removed loses it with the conversation.
		expect(files.relay.server.store.mayRead(asUserId('anna'), receiptsDocumentId(id))).toBe(true);
		const removed = await api(files.relay.url, `/api/conversations/${id}/members/remove`, { token, body: { remove: ['anna'] } });
		expect(removed.status).toBe(200);
		expect(files.relay.server.store.mayRead(asUserId('anna'), receiptsDocumentId(id))).toBe(false);
		expect(files.relay.server.store.mayRead(asUserId('petr'), receiptsDocumentId(id))).toBe(true);
	});
});

describe("a person's own document", () => {
	it('comes with the sign-in, follows the person to their other device, and nobody else reads it', async () => {
		const first = await login(files.relay.url, 'petr');
		const again = await login(files.relay.url, 'petr');
		const annas = await login(files.relay.url, 'anna');
		const personal = first.user.personalDocumentId!;
		expect(personal).toMatch(/^[1-9A-HJ-NP-Za-km-z]{20,}$/);
		expect(again.user.personalDocumentId).toBe(personal);
		expect(annas.user.personalDocumentId).not.toBe(personal);
		expect((await api(files.relay.url, '/api/me', { token: first.token })).body.personalDocumentId).toBe(personal);

		const tablet = await client('petr');
		const onTablet = await openOrStart<PersonalDoc>(tablet.repo, personal, startPersonal);
		onTablet.change((d) => void setMuted(d, 'c1', true));
		expect(await tablet.delivery.whenDelivered(onTablet, 5000)).toBe(true);
		const phone = await client('petr');
		const onPhone = await openOrStart<PersonalDoc>(phone.repo, personal, startPersonal);
		await until(() => isMuted(onPhone.doc(), 'c1'), 5000, 'the mute on the phone');

		const anna = await client('anna');
		await expect(anna.repo.find(personal as DocumentId)).rejects.toThrow(/unavailable/);
		expect(files.relay.server.store.mayRead(asUserId('anna'), personal)).toBe(false);
		expect(files.relay.server.store.mayRead(asUserId('petr'), annas.user.personalDocumentId!)).toBe(false);
	});
});
