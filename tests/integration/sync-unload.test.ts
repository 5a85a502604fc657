// Flat memory: a document nobody connected has open leaves the relay's memory, and comes back from disk whole when a
// member returns, also when the member reconnects at the very moment it is being unloaded.
import { afterEach, expect, it } from 'vitest';
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { ourClient, removeDir, shutdownAll, startSyncRelay, until, type TestSyncRelay } from './sync-harness.ts';

type Log = { entries: string[] };
let relay: TestSyncRelay | undefined;
const clients: ClientRepo[] = [];

afterEach(async () => {
	await shutdownAll(clients.splice(0));
	await relay?.stop();
	if (relay) removeDir(relay.dataDir);
});

function connect(user: string): ClientRepo {
	const client = ourClient(relay!.url, user);
	clients.push(client);
	return client;
}

async function leave(client: ClientRepo): Promise<void> {
	clients.splice(clients.indexOf(client), 1);
	await shutdownAll([client]);
}

const entries = (handle: DocHandle<Log>) => handle.doc()?.entries ?? [];

it('unloads an idle document and serves it whole again when a member comes back', async () => {
	relay = await startSyncRelay({ idleUnloadMs: 200 });
	const petr = connect('petr');
	const log = petr.repo.create<Log>({ entries: ['opened'] });
	relay.grant(log.documentId, 'petr', 'anna');
	log.change((d) => void d.entries.push('spindle at 8000 rpm'));
	expect(await petr.delivery.whenDelivered(log, 5000)).toBe(true);
	expect(relay.relay.stats().documents).toBe(1);

	await leave(petr);
	await until(() => relay!.relay.stats().documents === 0, 5000, 'the idle document to leave memory');
	expect(relay.relay.stats().peers).toBe(0);

	const anna = connect('anna');
	const annas = await anna.repo.find<Log>(log.url);
	await until(() => entries(annas).length === 2, 5000, 'anna to get the document back from disk');
	expect(entries(annas)).toEqual(['opened', 'spindle at 8000 rpm']);
});

it('loses nothing when members reconnect and write while the document keeps being unloaded and loaded again', async () => {
	// An unload check every few milliseconds: reconnects land before, during and after unloads.
	relay = await startSyncRelay({ idleUnloadMs: 5 });
	const petr = connect('petr');
	const log = petr.repo.create<Log>({ entries: [] });
	relay.grant(log.documentId, 'petr', 'anna');
	expect(await petr.delivery.whenDelivered(log, 5000)).toBe(true);
	await leave(petr);

	const written: string[] = [];
	let unloads = 0;
	for (let round = 0; round < 12; round++) {
		const user = round % 2 ? 'anna' : 'petr';
		const client = connect(user);
		const handle = await client.repo.find<Log>(log.url as AutomergeUrl);
		const entry = `${user} round ${round}`;
		handle.change((d) => void d.entries.push(entry));
		written.push(entry);
		expect(await client.delivery.whenDelivered(handle, 5000)).toBe(true);
		expect(entries(handle)).toEqual(written);
		await leave(client);
		// Sometimes wait for the unload, sometimes come back at once.
		if (round % 3 !== 2) {
			await until(() => relay!.relay.stats().documents === 0, 5000, 'the unload');
			unloads++;
		}
	}
	expect(unloads).toBeGreaterThanOrEqual(8);
	const reader = connect('anna');
	const handle = await reader.repo.find<Log>(log.url as AutomergeUrl);
	await until(() => entries(handle).length === written.length, 5000, 'every entry');
	expect(entries(handle)).toEqual(written);
});
