// A conversation drafted offline syncs once it is registered: the relay first answers "unavailable", and when the
// API registers the document (accessChanged) it flows to the relay and to members who asked, with nobody reconnecting.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { DocumentId } from '@automerge/automerge-repo';
import { docText, ourClient, removeDir, shutdownAll, sleep, startSyncRelay, until, type TestSyncRelay } from './sync-harness.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';

type Draft = { title: string };
let relay: TestSyncRelay;
const clients: ClientRepo[] = [];

beforeEach(async () => {
	relay = await startSyncRelay();
});
afterEach(async () => {
	await shutdownAll(clients.splice(0));
	await relay.stop();
	removeDir(relay.dataDir);
});

function client(user: string): ClientRepo {
	const c = ourClient(relay.url, user);
	clients.push(c);
	return c;
}

/** Counts every connection state a client goes through after it is first online. */
function watchReconnects(c: ClientRepo): () => number {
	let changes = 0;
	let online = false;
	c.connection.subscribe((s) => {
		if (online && s.status !== 'online') changes++;
		online ||= s.status === 'online';
	});
	return () => changes;
}

it('a draft synced before registration reaches the relay and a waiting member once registered, without reconnecting', async () => {
	const petr = client('petr');
	const anna = client('anna');
	await until(() => petr.connection.current.status === 'online' && anna.connection.current.status === 'online');
	const reconnects = [watchReconnects(petr), watchReconnects(anna)];

	const draft = petr.repo.create<Draft>({ title: 'drafted on the shop floor' });
	// Not registered yet: the relay refuses it, and anna (told the id out of band) hears it is unavailable.
	expect(await petr.delivery.whenDelivered(draft, 400)).toBe(false);
	await expect(anna.repo.find(draft.url)).rejects.toThrow(/unavailable/);

	relay.grant(draft.documentId, 'petr', 'anna');

	expect(await petr.delivery.whenDelivered(draft, 5000)).toBe(true);
	const annaHandle = anna.repo.handles[draft.documentId as DocumentId]!;
	await until(() => annaHandle.isReady(), 5000, "anna's handle to become ready");
	expect(docText(annaHandle)).toBe(docText(draft));
	// A member who opens it only now gets it too.
	const tomas = client('tomas');
	relay.grant(draft.documentId, 'tomas');
	expect((await tomas.repo.find<Draft>(draft.url)).doc().title).toBe('drafted on the shop floor');
	expect(reconnects.map((count) => count())).toEqual([0, 0]);
});

it('a draft made while the relay was unreachable syncs after the client comes online and the document is registered', async () => {
	const port = relay.port;
	await relay.stop();
	const petr = client('petr');
	const draft = petr.repo.create<Draft>({ title: 'offline draft' });
	draft.change((d) => void (d.title = 'offline draft, edited'));
	await sleep(200);
	expect(petr.connection.current.status).not.toBe('online');

	removeDir(relay.dataDir);
	relay = await startSyncRelay({ port });
	await until(() => petr.connection.current.status === 'online', 5000, 'reconnect');
	const reconnects = watchReconnects(petr);
	await sleep(200);
	expect(petr.delivery.isDelivered(draft)).toBe(false);

	relay.grant(draft.documentId, 'petr', 'anna');
	expect(await petr.delivery.whenDelivered(draft, 5000)).toBe(true);
	const anna = client('anna');
	expect((await anna.repo.find<Draft>(draft.url)).doc().title).toBe('offline draft, edited');
	expect(reconnects()).toBe(0);
});

it('a member added later gets the document she asked for before, without reconnecting', async () => {
	const petr = client('petr');
	const draft = petr.repo.create<Draft>({ title: 'case SC-1042' });
	relay.grant(draft.documentId, 'petr');
	expect(await petr.delivery.whenDelivered(draft, 5000)).toBe(true);
	const anna = client('anna');
	await expect(anna.repo.find(draft.url)).rejects.toThrow(/unavailable/);
	const reconnects = watchReconnects(anna);

	relay.grant(draft.documentId, 'anna');
	const annaHandle = anna.repo.handles[draft.documentId as DocumentId]!;
	await until(() => annaHandle.isReady(), 5000, "anna's handle to become ready");
	expect(annaHandle.doc()).toEqual({ title: 'case SC-1042' });
	expect(reconnects()).toBe(0);
});
