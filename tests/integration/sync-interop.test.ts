// The relay with automerge-repo's stock clients (2.5.6: Repo + WebSocketClientAdapter on ws), as anyone's tools would
// connect, side by side with the app's own client: a chat where both kinds write at once, a fan-out from one writer to
// thirty stock readers counting every change, and what a stock client's find answers for a document the relay has,
// one it does not have, and one its user may not read. Reconnecting after a lost acknowledgement, with stock clients
// too, is in sync-lost-messages.test.ts. The relay's sync engine is replaced behind createSyncRelay; these must pass
// unchanged on the old and the new one.
import { generateAutomergeUrl, parseAutomergeUrl, type DocHandle } from '@automerge/automerge-repo';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { newConversation, postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asCaseId, asMessageId, asUserId, type UserId } from '../../src/lib/model/ids.ts';
import { member, removeDir, shutdownAll, startSyncRelay, stockClient, until, type Member, type TestSyncRelay } from './sync-harness.ts';

let relay: TestSyncRelay;
const devices: Parameters<typeof shutdownAll>[0] = [];

beforeAll(async () => {
	relay = await startSyncRelay();
});
afterEach(async () => {
	await shutdownAll(devices.splice(0));
});
afterAll(async () => {
	await relay.stop();
	removeDir(relay.dataDir);
});

function device(kind: Member['kind'], user: string): Member {
	const d = member(kind, relay.url, user);
	devices.push(d.device);
	return d;
}

/** A Service case chat on SC-1042 created by `creator`'s device and registered for every user named. */
async function caseChat(creator: Member, users: string[]): Promise<DocHandle<ConversationDoc>> {
	const [first, ...others] = users.map((u) => ({ id: asUserId(u), name: u }));
	const handle = creator.repo.create<ConversationDoc>(
		newConversation({
			kind: 'case',
			title: '',
			case: { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing' },
			creator: first!,
			members: others,
			at: Date.now(),
			messageId: asMessageId(`m-${crypto.randomUUID()}`)
		})
	);
	relay.grant(handle.documentId, ...users);
	expect(await creator.acknowledged(handle, 5000)).toBe(true);
	return handle;
}

const texts = (doc: ConversationDoc) => doc.messages.flatMap((m) => (m.kind === 'text' ? [m.text] : []));

it('chat: stock clients and ours write at once in one conversation, and all converge', async () => {
	const people: [string, Member['kind']][] = [
		['petr', 'our client'],
		['anna', 'stock client'],
		['tomas', 'stock client'],
		['eva', 'our client']
	];
	const members = people.map(([user, kind]) => ({ user: asUserId(user), device: device(kind, user) }));
	const chat = await caseChat(members[0]!.device, people.map(([user]) => user));
	const handles = [chat, ...(await Promise.all(members.slice(1).map((m) => m.device.repo.find<ConversationDoc>(chat.url))))];

	// Ten rounds; in each, everyone posts at the same moment (no one waits for the others' messages).
	const written = new Map<UserId, string[]>(members.map((m) => [m.user, []]));
	for (let round = 0; round < 10; round++) {
		for (const [i, { user }] of members.entries()) {
			const text = `${user} ${round}`;
			written.get(user)!.push(text);
			handles[i]!.change((doc) => postMessage(doc, { id: asMessageId(`m-${user}-${round}`), author: user, at: Date.now(), text }));
		}
		await new Promise((r) => setTimeout(r, 15));
	}
	// Live messages both ways (who is in a call): a stock client's reaches ours, ours reaches a stock client.
	const heardByPetr: unknown[] = [];
	const heardByAnna: unknown[] = [];
	handles[0]!.on('ephemeral-message', ({ message }) => heardByPetr.push(message));
	handles[1]!.on('ephemeral-message', ({ message }) => heardByAnna.push(message));

	const all = [...written.values()].flat();
	await until(() => handles.every((h) => texts(h.doc()).length === all.length), 15_000, 'every message everywhere');
	await until(() => handles.every((h) => JSON.stringify(h.heads()) === JSON.stringify(chat.heads())), 5000, 'identical heads');
	for (const h of handles) {
		expect(texts(h.doc()).sort()).toEqual([...all].sort());
		// Each author's messages keep the order they were written in.
		for (const [user, theirs] of written) expect(h.doc().messages.filter((m) => m.author === user && m.kind === 'text').map((m) => (m.kind === 'text' ? m.text : ''))).toEqual(theirs);
		expect(JSON.stringify(h.doc())).toBe(JSON.stringify(chat.doc()));
	}
	for (const m of members) expect(await m.device.acknowledged(handles[members.indexOf(m)]!, 5000)).toBe(true);

	await until(() => {
		handles[1]!.broadcast({ here: 'anna' });
		handles[0]!.broadcast({ here: 'petr' });
		return heardByPetr.length > 0 && heardByAnna.length > 0;
	}, 5000, 'live messages both ways');
	expect(heardByPetr[0]).toEqual({ here: 'anna' });
	expect(heardByAnna[0]).toEqual({ here: 'petr' });
}, 30_000);

it('fan-out: one writer, thirty stock readers, fifty changes: every reader gets every change, in order', async () => {
	const READERS = 30;
	const CHANGES = 50;
	const petr = device('our client', 'petr');
	const readers = Array.from({ length: READERS }, (_, i) => `reader${i}`);
	const chat = await caseChat(petr, ['petr', ...readers]);
	// Thirty stock clients connecting at once on two busy cores: a slower retry than the harness's 200 ms (a new socket
	// whenever the relay's answer is late), and each joined before it asks (a stock find with no peer yet, after its
	// 1 s wait for the network, is "unavailable").
	const stock = readers.map((user) => stockClient(relay.url, user, 2000));
	devices.push(...stock);
	await until(() => stock.every((repo) => repo.peers.length > 0), 15_000, 'every reader connected');
	const copies = await Promise.all(stock.map((repo) => repo.find<ConversationDoc>(chat.url)));
	// Every change a reader sees: the texts it then holds must extend what it held before (nothing reordered or lost).
	const seen = copies.map(() => [] as string[]);
	const broken: string[] = [];
	copies.forEach((copy, r) =>
		copy.on('change', ({ doc }) => {
			const now = texts(doc);
			if (now.slice(0, seen[r]!.length).join('\n') !== seen[r]!.join('\n')) broken.push(`reader${r}: ${seen[r]!.length} → ${now.length}`);
			seen[r] = now;
		})
	);

	const written: string[] = [];
	const start = Date.now();
	for (let i = 0; i < CHANGES; i++) {
		const text = `change ${i}`;
		written.push(text);
		chat.change((doc) => postMessage(doc, { id: asMessageId(`m-fan-${i}`), author: asUserId('petr'), at: Date.now(), text }));
		await new Promise((r) => setTimeout(r, 20));
	}
	await until(() => seen.every((s) => s.length === CHANGES), 30_000, 'every change at every reader').catch((error: Error) => {
		throw new Error(`${error.message}: readers hold ${seen.map((s) => s.length).join(',')}`);
	});
	console.log(`fan-out: ${CHANGES} changes to ${READERS} stock readers, all delivered ${Date.now() - start} ms after the first was written`);
	const delivered = seen.reduce((n, s) => n + s.length, 0);
	expect(delivered).toBe(READERS * CHANGES);
	for (const s of seen) expect(s).toEqual(written);
	expect(broken).toEqual([]);
	expect(await petr.acknowledged(chat, 5000)).toBe(true);
}, 60_000);

it("a stock client's find: a document the relay has, one it does not have, one its user may not read", async () => {
	const petr = device('our client', 'petr');
	const chat = await caseChat(petr, ['petr', 'anna']);
	chat.change((doc) => postMessage(doc, { id: asMessageId('m-secret'), author: asUserId('petr'), at: Date.now(), text: 'secret-7d1c for anna only' }));
	expect(await petr.acknowledged(chat, 5000)).toBe(true);

	const anna = device('stock client', 'anna');
	expect(texts((await anna.repo.find<ConversationDoc>(chat.url)).doc())).toEqual(['secret-7d1c for anna only']);

	// Registered for anna but never written by anyone: the relay has nothing to give.
	const neverSent = generateAutomergeUrl();
	relay.grant(parseAutomergeUrl(neverSent).documentId, 'anna');
	const started = Date.now();
	await expect(anna.repo.find(neverSent)).rejects.toThrow(/unavailable/);
	console.log(`stock find of a document the relay does not have: unavailable after ${Date.now() - started} ms`);

	// Jan may not read the chat: a stock client of his hears that it is unavailable, and nothing of it.
	const jan = stockClient(relay.url, 'jan');
	devices.push(jan);
	await expect(jan.find(chat.url)).rejects.toThrow(/unavailable/);
	const janHandle = jan.handles[chat.documentId];
	expect(janHandle?.isReady() ?? false).toBe(false);
});
