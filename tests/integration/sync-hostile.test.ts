// Hostile clients: speaking as someone else's peer, switching sender mid-stream, garbage and oversized frames,
// and a user cut off by disconnectUser. Each time only the offending socket goes; the relay serves everyone else.
import { next as Automerge } from '@automerge/automerge';
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/lib/model/ids.ts';
import { joinFrame, ourClient, rawSocket, removeDir, shutdownAll, startSyncRelay, tokenOf, until, type RawSocket, type TestSyncRelay } from './sync-harness.ts';

const MAX_MESSAGE_BYTES = 64 * 1024;
let relay: TestSyncRelay;
let relayPeerId = '';
const someDocumentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;

beforeAll(async () => {
	relay = await startSyncRelay({ maxMessageBytes: MAX_MESSAGE_BYTES });
});
afterAll(async () => {
	await relay.stop();
	removeDir(relay.dataDir);
});

async function joined(user: string, peerId: string): Promise<RawSocket> {
	const raw = rawSocket(relay.url, tokenOf(user));
	await raw.opened;
	raw.send(joinFrame(peerId));
	await until(() => raw.frames.some((f) => f.type === 'peer'), 5000, 'peer message');
	relayPeerId = raw.frames.find((f) => f.type === 'peer')!.senderId as string;
	return raw;
}

/** A fresh pair of members syncs a fresh document through the relay. */
async function relayStillServes(): Promise<void> {
	const petr = ourClient(relay.url, 'petr');
	const anna = ourClient(relay.url, 'anna');
	try {
		const handle = petr.repo.create({ n: 1 });
		relay.grant(handle.documentId, 'petr', 'anna');
		expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
		const annaHandle = await anna.repo.find<{ n: number }>(handle.url);
		expect(annaHandle.doc().n).toBe(1);
	} finally {
		await shutdownAll([petr, anna]);
	}
}

const within = <T>(promise: Promise<T>, ms: number) =>
	Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe('peer ids are bound to the signed-in user', () => {
	it.each([['petr:spoof'], ['jan'], ['jan:'], ['jan:a:b'], ['jan:has space']])('jan joining as %j is refused and closed', async (peerId) => {
		const raw = rawSocket(relay.url, tokenOf('jan'));
		await raw.opened;
		raw.send(joinFrame(peerId));
		expect(await within(raw.closed, 3000)).toBe(1008);
		expect(raw.frames).toHaveLength(1);
		expect(raw.frames[0]).toMatchObject({ type: 'error' });
		expect(String(raw.frames[0]!.message)).toMatch(/peer id must be "jan:<suffix>"/);
	});

	it('a socket that changes its senderId after joining is closed', async () => {
		const raw = await joined('jan', 'jan:honest');
		const [, data] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());
		raw.send({ type: 'request', senderId: 'petr:abc', targetId: relayPeerId, documentId: someDocumentId, data });
		expect(await within(raw.closed, 3000)).toBe(1006);
	});

	it('a second join with a different peer id on the same socket is closed', async () => {
		const raw = await joined('jan', 'jan:first');
		raw.send(joinFrame('jan:second'));
		await within(raw.closed, 3000);
	});

	it('a second socket joining with the same peer id replaces the first', async () => {
		const first = await joined('jan', 'jan:tablet');
		const second = await joined('jan', 'jan:tablet');
		await within(first.closed, 3000);
		expect(second.socket.readyState).toBe(second.socket.OPEN);
		second.socket.terminate();
	});
});

describe('bad frames close only that socket', () => {
	const syncData = () => Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!;
	const frames: [string, (peer: string) => Uint8Array | string][] = [
		['random bytes', () => new Uint8Array(Array.from({ length: 300 }, () => Math.floor(Math.random() * 256)))],
		['invalid CBOR', () => new Uint8Array([0xff, 0xff, 0x1c, 0x00])],
		['a CBOR array', () => cbor.encode([1, 2, 3])],
		['a CBOR string', () => cbor.encode('join')],
		['a sync message without fields', (peer) => cbor.encode({ type: 'sync', senderId: peer })],
		['a sync message with a bad document id', (peer) => cbor.encode({ type: 'sync', senderId: peer, targetId: relayPeerId, documentId: '../../x', data: syncData() })],
		['a sync message whose data is not a sync message', (peer) => cbor.encode({ type: 'sync', senderId: peer, targetId: relayPeerId, documentId: someDocumentId, data: new Uint8Array([1, 2, 3]) })],
		['an unknown message type', (peer) => cbor.encode({ type: 'shutdown', senderId: peer, targetId: relayPeerId })],
		['a text frame', () => 'hello'],
		['an oversized frame', () => new Uint8Array(MAX_MESSAGE_BYTES + 1)]
	];

	it.each(frames)('%s', async (_name, make) => {
		const bystander = await joined('anna', 'anna:bystander');
		const raw = await joined('jan', 'jan:garbage');
		raw.socket.send(make('jan:garbage'));
		await within(raw.closed, 3000);
		expect(bystander.socket.readyState).toBe(bystander.socket.OPEN);
		bystander.socket.terminate();
		await relayStillServes();
	});
});

describe('a member sending a well-formed sync message with a corrupt change', () => {
	it('does not harm the relay or the document', async () => {
		const petr = ourClient(relay.url, 'petr');
		try {
			const handle = petr.repo.create({ text: 'intact' });
			relay.grant(handle.documentId, 'petr', 'jan');
			expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
			const raw = await joined('jan', 'jan:corrupt');
			const corrupt = new Uint8Array([0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, 5]);
			const data = Automerge.encodeSyncMessage({ heads: [], need: [], have: [], changes: [corrupt] });
			raw.send({ type: 'sync', senderId: 'jan:corrupt', targetId: relayPeerId, documentId: handle.documentId, data });
			await new Promise((r) => setTimeout(r, 200));
			raw.socket.terminate();
			const jan = ourClient(relay.url, 'jan');
			const again = await jan.repo.find<{ text: string }>(handle.url);
			expect(again.doc().text).toBe('intact');
			await jan.shutdown();
			await relayStillServes();
		} finally {
			await petr.shutdown();
		}
	});
});

describe('disconnectUser', () => {
	it("cuts every socket of the user at once and leaves others' alone", async () => {
		const petr = ourClient(relay.url, 'petr', { backoff: { initialMs: 60_000, maxMs: 60_000 } });
		const rawPetr = await joined('petr', 'petr:raw');
		const anna = await joined('anna', 'anna:raw');
		try {
			await until(() => petr.connection.current.status === 'online');
			const before = relay.relay.connectionCount();
			const cut = Date.now();
			relay.relay.disconnectUser(asUserId('petr'));
			await within(rawPetr.closed, 500);
			await until(() => petr.connection.current.status === 'offline', 500);
			expect(Date.now() - cut).toBeLessThan(500);
			expect(relay.relay.connectionCount()).toBe(before - 2);
			expect(anna.socket.readyState).toBe(anna.socket.OPEN);
		} finally {
			anna.socket.terminate();
			await petr.shutdown();
		}
	});
});
