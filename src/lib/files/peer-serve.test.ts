// The serving rules and the asking side over two connected in-memory channel ends, with the real blob store on
// fake-indexeddb. The same code runs over RTCDataChannels in tests/e2e/files-p2p.e2e.ts.
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { openBlobStore, type BlobStore } from './blob-store';
import { bufferSource, chunksOf } from './chunking';
import { buildManifest } from './manifest';
import { memoryChannelPair, type FrameChannel } from './peer-channel';
import { serveFiles } from './peer-serve';
import { PeerRefused, PeerRequester, peerChunkSource, QUIET_MS } from './peer-source';

const CHUNK = 200 * 1024; // more than three frames a chunk
let dbCount = 0;
const bytesOf = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * seed + 11) & 0xff);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function storeWith(files: Uint8Array[], keep: (file: number, chunk: number) => boolean = () => true) {
	const store = await openBlobStore(indexedDB, `peer-serve-${++dbCount}`);
	const manifests = [];
	for (const [f, data] of files.entries()) {
		const manifest = await buildManifest(bufferSource(data), CHUNK);
		await store.putManifest(manifest);
		let i = 0;
		for (const chunk of chunksOf(data, CHUNK)) {
			if (keep(f, i)) await store.putChunk(manifest.sha256, i, chunk);
			i++;
		}
		manifests.push(manifest);
	}
	return { store, manifests };
}

/** A device serving `store` on a connection opened for a conversation whose files are `shared`. */
function connect(store: BlobStore, shared: Set<string>, channels = memoryChannelPair()) {
	const [asker, server] = channels;
	serveFiles({ channel: server, store, isShared: (file) => shared.has(file) });
	return { requester: new PeerRequester(asker), asker, server };
}

describe('serving files to another member', () => {
	const forX = bytesOf(3 * CHUNK + 500, 7);
	const forY = bytesOf(CHUNK + 1, 13);

	it('sends the files of the connection’s conversation, byte for byte, several chunks in flight', async () => {
		const { store, manifests } = await storeWith([forX, forY]);
		const [x] = manifests;
		const source = peerChunkSource(connect(store, new Set([x!.sha256])).requester, x!, 'Petr Novák');
		expect([...(await source.available())]).toEqual([0, 1, 2, 3]);
		const parts = await Promise.all([0, 1, 2, 3].map((i) => source.chunk(i)));
		expect(sha(Buffer.concat(parts))).toBe(sha(forX));
		expect(parts.map(sha)).toEqual(x!.chunks);
	});

	it('refuses a file of another conversation to a member who asks for its hash', async () => {
		// The asker and this device are both in conversations X and Y; the connection was opened for X.
		const { store, manifests } = await storeWith([forX, forY]);
		const [x, y] = manifests;
		const { requester } = connect(store, new Set([x!.sha256]));
		const wrong = peerChunkSource(requester, y!, 'Petr Novák');
		await expect(wrong.available()).rejects.toThrow(new PeerRefused('This file is not part of the conversation this connection is for.'));
		await expect(wrong.chunk(0)).rejects.toBeInstanceOf(PeerRefused);
		// The connection still serves what is shared.
		expect(sha(await peerChunkSource(requester, x!, 'Petr').chunk(3))).toBe(x!.chunks[3]);
	});

	it('tells which chunks a device that is itself still fetching has, and refuses the rest', async () => {
		const { store, manifests } = await storeWith([forX], (_, chunk) => chunk !== 1);
		const [x] = manifests;
		const source = peerChunkSource(connect(store, new Set([x!.sha256])).requester, x!, 'Eva');
		expect([...(await source.available())]).toEqual([0, 2, 3]);
		await expect(source.chunk(1)).rejects.toThrow('Chunk 1 of this file is not on this device.');
		expect(sha(await source.chunk(2))).toBe(x!.chunks[2]);
	});

	it('says a shared file it does not have is not here', async () => {
		const { store } = await storeWith([]);
		const other = await buildManifest(bufferSource(forY), CHUNK);
		const source = peerChunkSource(connect(store, new Set([other.sha256])).requester, other, 'Eva');
		await expect(source.available()).rejects.toThrow('This file is not on this device.');
	});

	it('rejects every open request when the other device drops, so the fetcher resumes elsewhere', async () => {
		const { store, manifests } = await storeWith([forX]);
		const [x] = manifests;
		const { requester, server } = connect(store, new Set([x!.sha256]));
		const source = peerChunkSource(requester, x!, 'Petr');
		const asks = [0, 1, 2].map((i) => source.chunk(i));
		server.close();
		for (const ask of asks) await expect(ask).rejects.toThrow('The other device went offline.');
		await expect(source.chunk(3)).rejects.toThrow('The other device went offline.');
	});

	it('gives up a device that stops answering (a closed tablet whose channel has not noticed yet)', async () => {
		vi.useFakeTimers();
		try {
			const [asker] = memoryChannelPair(); // nobody serves the other end
			const requester = new PeerRequester(asker);
			const ask = requester.chunk('ab'.repeat(32), 0);
			const failed = expect(ask).rejects.toThrow('The other device stopped answering.');
			await vi.advanceTimersByTimeAsync(QUIET_MS + 1);
			await failed;
			expect(requester.closed).toBe(true);
		} finally {
			vi.useRealTimers();
		}
	});

	it('waits for the channel to drain before sending more (backpressure), and stops a cancelled request', async () => {
		const { store, manifests } = await storeWith([forX]);
		const [x] = manifests;
		const [asker, server] = memoryChannelPair();
		let open: () => void = () => {};
		let blocked = true;
		// A channel whose buffer is full until the test lets it drain.
		const slow: FrameChannel = {
			writable: () => (blocked ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve()),
			send: (frame) => server.send(frame),
			onFrame: (listener) => server.onFrame(listener),
			onClose: (listener) => server.onClose(listener),
			close: () => server.close(),
			get closed() {
				return server.closed;
			}
		};
		const { requester } = connect(store, new Set([x!.sha256]), [asker, { ...slow, sent: 0 }]);
		const source = peerChunkSource(requester, x!, 'Petr');
		const cancel = new AbortController();
		const first = source.chunk(0);
		const second = source.chunk(1, cancel.signal);
		await new Promise((r) => setTimeout(r, 50));
		expect(server.sent).toBe(0); // nothing goes out while the buffer is full
		cancel.abort(new Error('not needed any more'));
		await expect(second).rejects.toThrow('not needed any more');
		blocked = false;
		open();
		expect(sha(await first)).toBe(x!.chunks[0]);
		await new Promise((r) => setTimeout(r, 50));
		// Only the first chunk's frames went out: the cancelled one was never read into the channel.
		expect(server.sent).toBe(4);
	});
});
