// Runs on fake-indexeddb for speed; tests/e2e/files-device.e2e.ts checks the same store in real Chromium.
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkRejected, openBlobStore } from './blob-store';
import { bufferSource, chunksOf } from './chunking';
import { buildManifest } from './manifest';

const CHUNK = 1024;
const data = Uint8Array.from({ length: 3 * CHUNK + 100 }, (_, i) => (i * 7 + 3) & 0xff);
let dbCount = 0;
const fresh = () => openBlobStore(indexedDB, `test-${++dbCount}`);

describe('IndexedDB blob store', () => {
	it('lets the browser delete its database while open (Clear site data, eviction) instead of blocking it', async () => {
		await openBlobStore(indexedDB, 'to-clear');
		const outcome = await new Promise<string>((resolve) => {
			const req = indexedDB.deleteDatabase('to-clear');
			req.onsuccess = () => resolve('deleted');
			req.onblocked = () => resolve('blocked');
			req.onerror = () => resolve('failed');
		});
		expect(outcome).toBe('deleted');
	});

	it('stores a file chunk by chunk and returns the identical bytes', async () => {
		const store = await fresh();
		const manifest = await buildManifest(bufferSource(data), CHUNK);
		await store.putManifest(manifest);
		let i = 0;
		for (const chunk of chunksOf(data, CHUNK)) await store.putChunk(manifest.sha256, i++, chunk);
		expect(await store.has(manifest.sha256)).toBe(true);
		expect(await store.files()).toEqual([manifest.sha256]);
		const back: Uint8Array[] = [];
		for (let n = 0; n < manifest.chunks.length; n++) back.push((await store.getChunk(manifest.sha256, n))!);
		expect(createHash('sha256').update(Buffer.concat(back)).digest('hex')).toBe(manifest.sha256);
	});

	it('lists present chunks so a transfer resumes where it stopped', async () => {
		const store = await fresh();
		const manifest = await buildManifest(bufferSource(data), CHUNK);
		await store.putManifest(manifest);
		const chunks = [...chunksOf(data, CHUNK)];
		await store.putChunk(manifest.sha256, 2, chunks[2]!);
		await store.putChunk(manifest.sha256, 0, chunks[0]!);
		expect(await store.presentChunks(manifest.sha256)).toEqual([0, 2]);
		expect(await store.has(manifest.sha256)).toBe(false);
		for (const n of [1, 3]) await store.putChunk(manifest.sha256, n, chunks[n]!);
		expect(await store.presentChunks(manifest.sha256)).toEqual([0, 1, 2, 3]);
		expect(await store.has(manifest.sha256)).toBe(true);
	});

	it('refuses chunks that do not match the manifest and keeps nothing of them', async () => {
		const store = await fresh();
		const manifest = await buildManifest(bufferSource(data), CHUNK);
		const chunks = [...chunksOf(data, CHUNK)];
		await expect(store.putChunk(manifest.sha256, 0, chunks[0]!)).rejects.toBeInstanceOf(ChunkRejected);
		await store.putManifest(manifest);
		const forged = chunks[1]!.slice();
		forged[0]! ^= 0xff;
		await expect(store.putChunk(manifest.sha256, 1, forged)).rejects.toThrow(/hash/);
		await expect(store.putChunk(manifest.sha256, 1, chunks[0]!.subarray(0, 10))).rejects.toThrow(/length/);
		await expect(store.putChunk(manifest.sha256, 9, chunks[0]!)).rejects.toThrow(/not part/);
		expect(await store.presentChunks(manifest.sha256)).toEqual([]);
	});

	it('keeps files apart and deletes one without touching another', async () => {
		const store = await fresh();
		const other = data.map((b) => b ^ 1);
		const a = await buildManifest(bufferSource(data), CHUNK);
		const b = await buildManifest(bufferSource(other), CHUNK);
		await store.putManifest(a);
		await store.putManifest(b);
		await store.putChunk(a.sha256, 0, data.subarray(0, CHUNK));
		await store.putChunk(b.sha256, 0, other.subarray(0, CHUNK));
		await store.delete(a.sha256);
		expect(await store.manifest(a.sha256)).toBeUndefined();
		expect(await store.presentChunks(a.sha256)).toEqual([]);
		expect(await store.getChunk(b.sha256, 0)).toEqual(other.subarray(0, CHUNK));
	});

	it('survives reopening the database', async () => {
		const name = `reopen-${++dbCount}`;
		const manifest = await buildManifest(bufferSource(data), CHUNK);
		const first = await openBlobStore(indexedDB, name);
		await first.putManifest(manifest);
		await first.putChunk(manifest.sha256, 3, data.subarray(3 * CHUNK));
		const second = await openBlobStore(indexedDB, name);
		expect(await second.manifest(manifest.sha256)).toEqual(manifest);
		expect(await second.presentChunks(manifest.sha256)).toEqual([3]);
	});
});
