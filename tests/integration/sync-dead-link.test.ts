// A dead link is noticed fast, a slow one is not taken for dead. A stalled connection (open, no byte passing either
// way, as a tablet's Wi-Fi that roamed away) must be given up by both the relay and the app within 5 s, and the app
// must reconnect once the network is back. A large message crawling over a slow link must not get the link dropped:
// the relay counts bytes still arriving and its outgoing buffer going down as signs of life, and the app, which cannot
// see a frame before its last byte, learns patience after one wrong give-up instead of looping.
import { randomBytes } from 'node:crypto';
import type { DocHandle } from '@automerge/automerge-repo';
import { afterEach, expect, it } from 'vitest';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { startFaultProxy, type FaultProfile, type FaultProxy } from '../helpers/fault-proxy.ts';
import { ourClient, removeDir, shutdownAll, startSyncRelay, stockClient, until, type TestSyncRelay } from './sync-harness.ts';

type Note = { lines: string[]; blob?: Uint8Array };
let relay: TestSyncRelay;
const proxies: FaultProxy[] = [];
const repos: Parameters<typeof shutdownAll>[0] = [];

afterEach(async () => {
	await shutdownAll(repos.splice(0));
	await Promise.all(proxies.splice(0).map((p) => p.close()));
	await relay.stop();
	removeDir(relay.dataDir);
});

async function link(profile: FaultProfile = {}): Promise<{ proxy: FaultProxy; url: string }> {
	const proxy = await startFaultProxy(relay.port, { profile });
	proxies.push(proxy);
	return { proxy, url: `ws://127.0.0.1:${proxy.port}/sync` };
}

/** Petr, on a fast link, with a document shared with the given members. */
async function petrShares(members: string[], content: Note = { lines: ['first'] }): Promise<{ petr: ClientRepo; handle: DocHandle<Note> }> {
	const petr = ourClient(relay.url, 'petr');
	repos.push(petr);
	const handle = petr.repo.create<Note>(content);
	relay.grant(handle.documentId, 'petr', ...members);
	expect(await petr.delivery.whenDelivered(handle, 20_000)).toBe(true);
	return { petr, handle };
}

/** Random bytes, one Automerge value that its compression cannot shrink: as many bytes on the wire. */
const incompressible = (bytes: number) => new Uint8Array(randomBytes(bytes));
const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) => !!a && !!b && Buffer.from(a).equals(Buffer.from(b));

it('a stalled link is given up by the relay and by the app within 5 s, and the app reconnects once it heals', async () => {
	relay = await startSyncRelay();
	const { petr, handle } = await petrShares(['anna']);
	const { proxy, url } = await link();
	const anna = ourClient(url, 'anna');
	repos.push(anna);
	const annaHandle = await anna.repo.find<Note>(handle.url);
	await until(() => relay.relay.connectionCount() === 2, 5000, 'both connected');

	// The link stalls: the open connection holds every byte, both ways, and stays open; new ones fail (reset at once).
	proxy.setProfile({ resetRate: 1, faultWithinMs: 0 });
	proxy.stallAll();
	const stalledAt = Date.now();
	let appNoticed = 0;
	let relayNoticed = 0;
	// Why the app gave the stalled connection up (its next attempts, reset at once, say something else).
	let reason: string | null = null;
	const stop = anna.connection.subscribe((s) => (reason ??= s.status === 'online' ? null : s.lastError));
	await until(
		() => {
			if (!appNoticed && anna.connection.current.status !== 'online') appNoticed = Date.now() - stalledAt;
			if (!relayNoticed && relay.relay.connectionCount() === 1) relayNoticed = Date.now() - stalledAt;
			return appNoticed > 0 && relayNoticed > 0;
		},
		10_000,
		'both sides to notice'
	).catch((error: Error) => {
		throw new Error(`${error.message} (noticed after: the app ${appNoticed} ms, the relay ${relayNoticed} ms; 0 = not yet)`);
	});
	console.log(`stalled link noticed: by the app in ${appNoticed} ms, by the relay in ${relayNoticed} ms`);
	expect(appNoticed).toBeLessThan(5000);
	expect(relayNoticed).toBeLessThan(5000);
	stop();
	expect(reason).toBe('the relay stopped answering');

	// Petr writes meanwhile; the network comes back; anna's app reconnects by itself and gets it.
	handle.change((d) => void d.lines.push('written while anna was cut off'));
	expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
	proxy.setProfile({});
	const healedAt = Date.now();
	await until(() => annaHandle.doc().lines.length === 2, 10_000, 'the change to reach anna after the link healed');
	console.log(`back in sync ${Date.now() - healedAt} ms after the link healed`);
	expect(anna.connection.current.status).toBe('online');
}, 30_000);

it('a large message crawling over a slow link gets neither side dropped: bytes arriving and a draining buffer are signs of life', async () => {
	relay = await startSyncRelay({ maxMessageBytes: 32 * 1024 * 1024 });
	// Petr's 14 MB document, to a stock reader behind a 2 MB/s link whose buffer holds the relay back: the relay's
	// own outgoing buffer drains for seconds while the pong to its ping waits behind the message (the kernel's
	// loopback buffers take the last ~4 MB at once: those 2 s are silent either way).
	const { handle } = await petrShares(['jan'], { lines: [], blob: incompressible(14_000_000) });
	const down = await link({ down: { bytesPerSecond: 2 * 1024 * 1024, bufferBytes: 64 * 1024 } });
	// A stock writer uploading 1.3 MB through a 200 kB/s link: its pong to the relay's ping waits behind the upload.
	const up = await link({ up: { bytesPerSecond: 200 * 1024 } });
	const eva = stockClient(up.url, 'eva');
	const jan = stockClient(down.url, 'jan');
	repos.push(eva, jan);
	const evaDoc = eva.create<Note>({ lines: [] });
	relay.grant(evaDoc.documentId, 'eva', 'petr');
	const start = Date.now();
	const upload = incompressible(1_300_000);
	evaDoc.change((d) => void (d.blob = upload));
	const janHandle = await jan.find<Note>(handle.url);
	const petrCopy = await (repos[0] as ClientRepo).repo.find<Note>(evaDoc.url);
	await until(() => sameBytes(petrCopy.doc().blob, upload), 30_000, "eva's upload to reach petr");
	await until(() => sameBytes(janHandle.doc().blob, handle.doc().blob), 30_000, "petr's document to reach jan");
	const took = Date.now() - start;
	console.log(`slow links: ${(down.proxy.counts().bytesDown / 1e6).toFixed(1)} MB down and ${(up.proxy.counts().bytesUp / 1e6).toFixed(1)} MB up in ${took} ms`);
	expect(took).toBeGreaterThan(5000); // slow enough that a pong-only keepalive would have dropped them
	expect(down.proxy.counts().connections).toBe(1); // never dropped, so never reconnected
	expect(up.proxy.counts().connections).toBe(1);
}, 60_000);

it('the app gives a slow link one wrong give-up at most, then the patience to carry a large message', async () => {
	relay = await startSyncRelay({ maxMessageBytes: 32 * 1024 * 1024 });
	// 2.4 MB of catch-up at 400 kB/s: longer than the app's 4 s patience, so it gives up once; the next connection is
	// answered at once, proving the link alive, and the doubled patience carries the message.
	const { handle } = await petrShares(['anna'], { lines: [], blob: incompressible(2_400_000) });
	const { proxy, url } = await link({ down: { bytesPerSecond: 400 * 1024 } });
	const anna = ourClient(url, 'anna');
	repos.push(anna);
	const giveUps: string[] = [];
	anna.connection.subscribe((s) => s.status === 'offline' && s.lastError && giveUps.push(s.lastError));
	const start = Date.now();
	// The give-up ends the first request "unavailable"; the handle turns ready when the document arrives after all.
	const annaHandle = await anna.repo.find<Note>(handle.url, { allowableStates: ['ready', 'unavailable'] });
	await until(() => annaHandle.isReady() && sameBytes(annaHandle.doc().blob, handle.doc().blob), 40_000, 'the large document to reach anna');
	console.log(`slow catch-up: ${Date.now() - start} ms, ${proxy.counts().connections} connection(s), gave up: ${JSON.stringify(giveUps)}, patience now ${anna.relay.heartbeatPatienceMs} ms`);
	expect(giveUps.length).toBeLessThanOrEqual(1);
	expect(proxy.counts().connections).toBe(giveUps.length + 1);
	if (giveUps.length) expect(anna.relay.heartbeatPatienceMs).toBe(8000);
	expect(anna.connection.current.status).toBe('online');
}, 60_000);
