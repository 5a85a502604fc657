// A member's link dies silently (bytes from the relay vanish) while the relay forwards a change to them, or while the
// relay acknowledges their own change; the link is then cut and comes back. The member must still get the change, and
// their change must still be acknowledged: the relay may not count what it sent on a dead connection as received.
// Played with the app's client and with automerge-repo's stock client (2.5.6), which must keep working unchanged.
import '@automerge/automerge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { member, ourClient, removeDir, shutdownAll, sleep, startSyncRelay, until, type MemberKind, type TestSyncRelay } from './sync-harness.ts';

type Note = { lines: string[] };
let relay: TestSyncRelay;
let proxy: FaultProxy;
const repos: Parameters<typeof shutdownAll>[0] = [];

beforeEach(async () => {
	relay = await startSyncRelay();
	proxy = await startFaultProxy(relay.port);
});
afterEach(async () => {
	await shutdownAll(repos.splice(0));
	await proxy.close();
	await relay.stop();
	removeDir(relay.dataDir);
});

/** Anna's device, of the given kind, reaching the relay through the proxy. */
function anna(kind: MemberKind) {
	const device = member(kind, `ws://127.0.0.1:${proxy.port}/sync`, 'anna');
	repos.push(device.device);
	return device;
}

describe.each<MemberKind>(['our client', 'stock client'])('with %s', (kind) => {
	it('a change forwarded over a link that silently died reaches the member after they reconnect', async () => {
		const petr = ourClient(relay.url, 'petr');
		repos.push(petr);
		const handle = petr.repo.create<Note>({ lines: ['first'] });
		relay.grant(handle.documentId, 'petr', 'anna');
		expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
		const annaHandle = await anna(kind).repo.find<Note>(handle.url);
		expect(annaHandle.doc().lines).toEqual(['first']);

		proxy.swallowToClients();
		handle.change((doc) => void doc.lines.push('sent while anna’s link was dead'));
		expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
		await sleep(300); // the relay has forwarded it to anna by now, into the void
		expect(annaHandle.doc().lines).toEqual(['first']);

		proxy.cutAndHeal();
		await until(() => annaHandle.doc().lines.length === 2, 10_000, 'the change to reach anna after reconnecting');
		expect(annaHandle.doc().lines[1]).toBe('sent while anna’s link was dead');
	});

	it("a member's change whose acknowledgement was lost is acknowledged after they reconnect", async () => {
		const device = anna(kind);
		const handle = device.repo.create<Note>({ lines: ['first'] });
		relay.grant(handle.documentId, 'anna');
		expect(await device.acknowledged(handle, 5000)).toBe(true);

		proxy.swallowToClients();
		handle.change((doc) => void doc.lines.push('acknowledgement lost'));
		expect(await device.acknowledged(handle, 1000)).toBe(false);

		proxy.cutAndHeal();
		expect(await device.acknowledged(handle, 10_000)).toBe(true);
		// And it is on the relay: a fresh device reads it from there.
		const fresh = member('stock client', relay.url, 'anna');
		repos.push(fresh.device);
		expect((await fresh.repo.find<Note>(handle.url)).doc().lines).toEqual(['first', 'acknowledgement lost']);
	});
});
