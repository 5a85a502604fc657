// "Has it reached the relay?": whenDelivered resolves once the relay holds a change, stays false while the relay is
// down, and the client reconnects by itself (backoff) when the relay is back on the same DATA_DIR, then delivers.
import type { UrlHeads } from '@automerge/automerge-repo';
import { afterEach, expect, it } from 'vitest';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { ourClient, removeDir, shutdownAll, sleep, startSyncRelay, tempDir, until, type TestSyncRelay } from './sync-harness.ts';

type Chat = { messages: string[] };
let relay: TestSyncRelay | undefined;
const clients: ClientRepo[] = [];
const dirs: string[] = [];

afterEach(async () => {
	await shutdownAll(clients.splice(0));
	await relay?.stop();
	for (const dir of dirs.splice(0)) removeDir(dir);
});

async function start(options: Parameters<typeof startSyncRelay>[0] = {}) {
	relay = await startSyncRelay(options);
	if (!dirs.includes(relay.dataDir)) dirs.push(relay.dataDir);
	return relay;
}

function client(user: string): ClientRepo {
	const c = ourClient(relay!.url, user);
	clients.push(c);
	return c;
}

function post(handle: ReturnType<ClientRepo['repo']['create']>, text: string): UrlHeads {
	(handle as unknown as { change(fn: (d: Chat) => void): void }).change((d) => void d.messages.push(text));
	return handle.heads();
}

it('tells per document and per message what the relay holds, across a relay restart', async () => {
	const acl = new Map<string, Set<string>>(); // the relay's ACL is durable; this one outlives the restart
	const { dataDir, port } = await start({ acl });
	const petr = client('petr');
	const chat = petr.repo.create<Chat>({ messages: [] });
	relay!.grant(chat.documentId, 'petr', 'anna');
	const first = post(chat, 'first');
	expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
	expect(petr.delivery.hasReachedRelay(chat, first)).toBe(true);
	const seen: boolean[] = [];
	const stop = petr.delivery.subscribeDelivery(chat, (d) => seen.push(d));

	await relay!.stop();
	await until(() => petr.connection.current.status !== 'online', 2000, 'client to notice');
	const second = post(chat, 'second, while the relay is down');
	expect(petr.delivery.isDelivered(chat)).toBe(false);
	expect(petr.delivery.hasReachedRelay(chat, first)).toBe(true);
	expect(petr.delivery.hasReachedRelay(chat, second)).toBe(false);
	expect(await petr.delivery.whenDelivered(chat, 600)).toBe(false);

	await start({ dataDir, port, acl });
	expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
	expect(petr.delivery.hasReachedRelay(chat, second)).toBe(true);
	expect(seen).toEqual([true, false, true]);
	stop();

	const anna = client('anna');
	expect((await anna.repo.find<Chat>(chat.url)).doc().messages).toEqual(['first', 'second, while the relay is down']);
});

it("counts another member's change, passed on by the relay, as delivered on both sides", async () => {
	await start();
	const petr = client('petr');
	const anna = client('anna');
	const chat = petr.repo.create<Chat>({ messages: [] });
	relay!.grant(chat.documentId, 'petr', 'anna');
	expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
	const annaChat = await anna.repo.find<Chat>(chat.url);
	post(annaChat, 'from anna');
	await until(() => chat.doc().messages.length === 1);
	expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
	expect(await anna.delivery.whenDelivered(annaChat, 5000)).toBe(true);
});

it('acknowledges a spaced change quickly (the relay saves before it acknowledges)', async () => {
	await start();
	const petr = client('petr');
	const chat = petr.repo.create<Chat>({ messages: [] });
	relay!.grant(chat.documentId, 'petr');
	expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
	const times: number[] = [];
	for (let i = 0; i < 20; i++) {
		await sleep(120); // past DocSynchronizer's 100 ms batching
		const t = performance.now();
		post(chat, `m${i}`);
		expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
		times.push(performance.now() - t);
	}
	times.sort((a, b) => a - b);
	const median = times[10]!;
	console.log(`change → delivered: median ${median.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms`);
	expect(median).toBeLessThan(250);
});

/** Petr's device with storage (standing in for the browser's IndexedDB) and a chat whose first message reached the relay. */
async function petrWithStorage() {
	const { NodeFSStorageAdapter } = await import('@automerge/automerge-repo-storage-nodefs');
	const storageDir = tempDir();
	dirs.push(storageDir);
	await start();
	const reopen = () => ourClient(relay!.url, 'petr', { storage: new NodeFSStorageAdapter(storageDir) });
	const petr = reopen();
	const chat = petr.repo.create<Chat>({ messages: [] });
	relay!.grant(chat.documentId, 'petr');
	const sent = post(chat, 'sent while online');
	expect(await petr.delivery.whenDelivered(chat, 5000)).toBe(true);
	return { petr, chat, sent, reopen };
}

it('after a restart with the relay unreachable, the device still knows what had reached the relay', async () => {
	const { petr, chat, sent, reopen } = await petrWithStorage();
	await sleep(300); // automerge-repo saves sync states at most every 100 ms
	await petr.shutdown();
	await relay!.stop();

	const reopened = reopen();
	clients.push(reopened);
	const again = await reopened.repo.find<Chat>(chat.url);
	expect(reopened.connection.current.status).not.toBe('online');
	expect(await reopened.delivery.whenDelivered(again, 2000)).toBe(true);
	const draft = post(again, 'written offline');
	expect(reopened.delivery.hasReachedRelay(again, sent)).toBe(true);
	expect(reopened.delivery.hasReachedRelay(again, draft)).toBe(false);
	expect(reopened.delivery.isDelivered(again)).toBe(false);
});

it('a change written after the relay went away is not marked delivered after a restart', async () => {
	const { petr, chat, sent, reopen } = await petrWithStorage();
	await relay!.stop();
	await until(() => petr.connection.current.status !== 'online', 5000, 'petr to notice the relay is gone');
	const draft = post(chat, 'written offline, then the tablet restarts');
	await sleep(300);
	await petr.shutdown();

	const reopened = reopen();
	clients.push(reopened);
	const again = await reopened.repo.find<Chat>(chat.url);
	await reopened.delivery.whenDelivered(again, 1000);
	expect(reopened.delivery.hasReachedRelay(again, sent)).toBe(true);
	expect(reopened.delivery.hasReachedRelay(again, draft)).toBe(false);
	expect(reopened.delivery.isDelivered(again)).toBe(false);
});
