import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobSource, bufferSource, chunkCount, chunkLength, chunkRange, chunksOf, CHUNK_SIZE, readChunks } from './chunking';
import { isSha256Hex, sha256Hex } from './hash';
import { buildManifest, isChunkManifest } from './manifest';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('chunking', () => {
	it('splits into fixed-size chunks with a short last one', () => {
		expect(chunkCount(0)).toBe(0);
		expect(chunkCount(1)).toBe(1);
		expect(chunkCount(CHUNK_SIZE)).toBe(1);
		expect(chunkCount(CHUNK_SIZE + 1)).toBe(2);
		expect(chunkRange(1, CHUNK_SIZE + 10)).toEqual({ start: CHUNK_SIZE, end: CHUNK_SIZE + 10 });
		expect(chunkLength(1, CHUNK_SIZE + 10)).toBe(10);
		expect(() => chunkRange(2, CHUNK_SIZE + 10)).toThrow(RangeError);
		expect(() => chunkRange(-1, 10)).toThrow(RangeError);
		expect(() => chunkCount(-1)).toThrow(RangeError);
	});

	it('reassembles to the original bytes', async () => {
		const data = bytes(2.5 * 1000);
		const parts = [...chunksOf(data, 1000)];
		expect(parts.map((p) => p.length)).toEqual([1000, 1000, 500]);
		const read: Uint8Array[] = [];
		for await (const { index, bytes: chunk } of readChunks(bufferSource(data), 1000)) read[index] = chunk;
		expect(Buffer.concat(read).equals(Buffer.from(data))).toBe(true);
		// A Blob is streamed and cut into chunks, whatever sizes its stream delivers.
		const streamed: Uint8Array[] = [];
		for await (const { index, bytes: chunk } of readChunks(blobSource(new Blob([data.subarray(0, 7), data.subarray(7)])), 1000)) streamed[index] = chunk;
		expect(streamed.map((c) => c.length)).toEqual([1000, 1000, 500]);
		expect(Buffer.concat(streamed).equals(Buffer.from(data))).toBe(true);
	});
});

describe('hashing and manifest', () => {
	it('hashes like sha256sum', async () => {
		expect(await sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		const data = bytes(12345);
		expect(await sha256Hex(data)).toBe(nodeSha(data));
	});

	it('builds a manifest whose hashes match each chunk and the whole file', async () => {
		const data = bytes(3000);
		const manifest = await buildManifest(bufferSource(data), 1024);
		expect(manifest.sha256).toBe(nodeSha(data));
		expect(manifest.size).toBe(3000);
		expect(manifest.chunks).toEqual([nodeSha(data.subarray(0, 1024)), nodeSha(data.subarray(1024, 2048)), nodeSha(data.subarray(2048))]);
		expect(isChunkManifest(manifest)).toBe(true);
		expect(isChunkManifest(JSON.parse(JSON.stringify(manifest)))).toBe(true);
	});

	it('refuses malformed manifests', async () => {
		const good = await buildManifest(bufferSource(bytes(3000)), 1024);
		expect(isChunkManifest(null)).toBe(false);
		expect(isChunkManifest({ ...good, chunks: good.chunks.slice(1) })).toBe(false);
		expect(isChunkManifest({ ...good, sha256: good.sha256.toUpperCase() })).toBe(false);
		expect(isChunkManifest({ ...good, size: -1 })).toBe(false);
		expect(isChunkManifest({ ...good, size: 1.5 })).toBe(false);
		expect(isChunkManifest({ ...good, chunkSize: 0 })).toBe(false);
		expect(isChunkManifest({ ...good, chunkSize: 1 << 30 })).toBe(false);
		expect(isChunkManifest({ ...good, chunks: ['x', 'y', 'z'] })).toBe(false);
		expect(isSha256Hex('../etc/passwd')).toBe(false);
	});
});
