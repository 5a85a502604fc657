// Members converge through the relay, with automerge-repo's stock client and with ours; nobody else gets
// anything of the document: not a non-member, not a socket with a bad token, not an upgrade without one.
import { next as Automerge } from '@automerge/automerge';
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	docText,
	joinFrame,
	ourClient,
	rawSocket,
	removeDir,
	shutdownAll,
	startSyncRelay,
	stockClient,
	tokenOf,
	until,
	type TestSyncRelay
} from './sync-harness.ts';

type Note = { title: string; lines?: string[] };
const SECRET = 'wire-breakage-secret-7f3a';

let relay: TestSyncRelay;
const repos: Parameters<typeof shutdownAll>[0] = [];

beforeEach(async () => {
	relay = await startSyncRelay();
});
afterEach(async () => {
	await shutdownAll(repos.splice(0));
	await relay.stop();
	removeDir(relay.dataDir);
});

/** petr drafts a document holding SECRET and registers it for the given members. */
async function registeredDoc(...members: string[]) {
	const petr = ourClient(relay.url, 'petr');
	repos.push(petr);
	const handle = petr.repo.create<Note>({ title: SECRET });
	relay.grant(handle.documentId, 'petr', ...members);
	expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
	return { petr, handle };
}

describe('members converge through the relay', () => {
	it('our client and the stock automerge-repo client edit the same document', async () => {
		const { handle } = await registeredDoc('anna');
		const anna = stockClient(relay.url, 'anna');
		repos.push(anna);
		const annaHandle = await anna.find<Note>(handle.url);
		expect(annaHandle.doc().title).toBe(SECRET);

		annaHandle.change((d) => void (d.lines = ['from anna']));
		await until(() => handle.doc().lines?.[0] === 'from anna', 5000, 'anna → petr');
		handle.change((d) => void d.lines!.push('from petr'));
		await until(() => annaHandle.doc().lines?.[1] === 'from petr', 5000, 'petr → anna');
		expect(docText(annaHandle)).toBe(docText(handle));
	});

	it('two clients of ours converge on concurrent changes', async () => {
		const { handle } = await registeredDoc('anna');
		const anna = ourClient(relay.url, 'anna');
		repos.push(anna);
		const annaHandle = await anna.repo.find<Note>(handle.url);
		handle.change((d) => void (d.lines = ['p1']));
		annaHandle.change((d) => void (d.title = 'renamed by anna'));
		await until(() => docText(handle) === docText(annaHandle) && handle.doc().title === 'renamed by anna' && annaHandle.doc().lines?.length === 1);
	});

	it('ephemeral messages (call presence) reach the other member', async () => {
		const { handle } = await registeredDoc('anna');
		const anna = ourClient(relay.url, 'anna');
		repos.push(anna);
		const annaHandle = await anna.repo.find<Note>(handle.url);
		const heard: unknown[] = [];
		annaHandle.on('ephemeral-message', ({ message }) => heard.push(message));
		await until(() => {
			handle.broadcast({ inCall: 'petr' });
			return heard.length > 0;
		}, 5000, 'presence');
		expect(heard[0]).toEqual({ inCall: 'petr' });
	});
});

describe('nobody else gets anything', () => {
	it('a non-member asking for the document hears that it is unavailable', async () => {
		const { handle } = await registeredDoc('anna');
		const jan = ourClient(relay.url, 'jan');
		repos.push(jan);
		await expect(jan.repo.find(handle.url as AutomergeUrl)).rejects.toThrow(/unavailable/);
	});

	it('a raw socket of a non-member receives no byte of the document, whatever it sends', async () => {
		const { handle } = await registeredDoc('anna');
		const raw = rawSocket(relay.url, tokenOf('jan'));
		await raw.opened;
		raw.send(joinFrame('jan:raw'));
		await until(() => raw.frames.some((f) => f.type === 'peer'));
		const relayId = raw.frames.find((f) => f.type === 'peer')!.senderId as string;
		const [, request] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());
		const base = { senderId: 'jan:raw', targetId: relayId, documentId: handle.documentId };
		raw.send({ ...base, type: 'request', data: request });
		raw.send({ ...base, type: 'sync', data: request });
		raw.send({ ...base, type: 'ephemeral', data: new Uint8Array([0xa0]), count: 1, sessionId: 's' });
		// The request and the sync get "unavailable"; the live message is dropped without a word (the relay forwards
		// live messages itself, and only from members).
		await until(() => raw.frames.filter((f) => f.type === 'doc-unavailable').length >= 2);
		// Meanwhile a member's presence message goes out on the document: jan must not get it either.
		handle.broadcast({ cursor: SECRET });
		handle.change((d) => void (d.lines = [SECRET]));
		await new Promise((r) => setTimeout(r, 300));
		expect(raw.frames.map((f) => f.type).sort()).toEqual(['doc-unavailable', 'doc-unavailable', 'peer']);
		expect(Buffer.concat(raw.bytes).includes(SECRET)).toBe(false);
		raw.socket.terminate();
	});

	it('refuses the upgrade without a token or with a bad one (401), and our client stays offline and says why', async () => {
		for (const token of [null, 'forged', '']) {
			const raw = rawSocket(relay.url, token);
			await expect(raw.opened).rejects.toThrow(/401/);
		}
		let suspects = 0;
		const mallory = ourClient(relay.url, 'mallory', { token: 'forged', onAuthSuspect: () => suspects++ });
		repos.push(mallory);
		await until(() => suspects >= 2, 5000, 'two failed attempts');
		expect(mallory.connection.current.status).not.toBe('online');
		expect(mallory.connection.current.lastError).toMatch(/401/);
		expect(relay.relay.connectionCount()).toBe(0);
	});

	it('our client recovers once it is given a valid token', async () => {
		const { handle } = await registeredDoc('anna');
		const anna = ourClient(relay.url, 'anna', { token: 'expired' });
		repos.push(anna);
		await until(() => anna.connection.current.lastError !== null);
		anna.setToken(tokenOf('anna'));
		await until(() => anna.connection.current.status === 'online', 5000, 'online');
		const annaHandle = await anna.repo.find<Note>(handle.url);
		expect(annaHandle.doc().title).toBe(SECRET);
	});
});
