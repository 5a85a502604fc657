// Two relays sharing one store (a bucket, or here also one directory), each with its own blob store in memory, as
// several relay nodes run: a file whose chunks came through both is checked before anyone is told it is complete, a
// forged one is dropped, and the first manifest for a hash wins. Against the disk and a real S3 server (s3rver).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE, type ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import { startS3, type TestS3 } from '../../tests/helpers/s3-server.ts';
import { createBlobStore, type BlobStore } from './blob-store.ts';
import { createFsObjectStore } from './fs-objects.ts';
import type { ObjectStore } from './object-store.ts';
import { createS3ObjectStore } from './s3-objects.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function makeFile(chunks: number) {
	const bytes = randomBytes(chunks * CHUNK_SIZE);
	const chunk = (i: number) => bytes.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
	const manifest: ChunkManifest = { sha256: sha(bytes), size: bytes.length, chunkSize: CHUNK_SIZE, chunks: Array.from({ length: chunks }, (_, i) => sha(chunk(i))) };
	return { bytes, manifest, put: (store: BlobStore, i: number, conversation: string, file = manifest.sha256) => store.putChunk(file, i, { bytes: chunk(i), sha256: manifest.chunks[i]! }, conversation) };
}

describe.each(['DATA_DIR/blobs', 'S3'] as const)('two relays on one store (%s)', (kind) => {
	let s3: TestS3 | undefined;
	let dir: string;
	let objects: () => ObjectStore;
	let a: BlobStore;
	let b: BlobStore;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'caseroom-blobs-'));
		s3 = kind === 'S3' ? await startS3() : undefined;
		objects = () => (s3 ? createS3ObjectStore(s3.config) : createFsObjectStore(dir));
		[a, b] = [createBlobStore(objects()), createBlobStore(objects())];
	});
	afterAll(async () => {
		await s3?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('a file whose chunks came through both relays is checked before it is called complete', async () => {
		const file = makeFile(4);
		await a.putManifest(file.manifest, 'conversationA');
		const answers = [];
		for (let i = 0; i < 4; i++) answers.push(await file.put(i % 2 ? b : a, i, 'conversationA'));
		// Each relay saw half: neither can tell the file is complete from what went through it.
		expect(answers.map((x) => x.kept && x.complete)).toEqual([false, false, false, false]);
		expect(await objects().has(`${file.manifest.sha256}/verified`)).toBe(false);

		expect(await b.stat(file.manifest.sha256, 'conversationA')).toMatchObject({ present: [0, 1, 2, 3], complete: true });
		expect(await objects().has(`${file.manifest.sha256}/verified`)).toBe(true);
		const chunks = await Promise.all(file.manifest.chunks.map((_, i) => a.getChunk(file.manifest.sha256, i)));
		expect(Buffer.concat(chunks.map((c) => c!)).equals(file.bytes)).toBe(true);
	});

	it('a forged file whose chunks came through both relays is dropped, and neither relay shows it any more', async () => {
		const file = makeFile(2);
		const forged = { ...file.manifest, sha256: sha(Buffer.from(`forged ${kind}`)) };
		await a.putManifest(forged, 'conversationA');
		await file.put(a, 0, 'conversationA', forged.sha256);
		// Relay b first hears of the file with its last chunk: it finds the rest in the store and checks the whole.
		expect(await file.put(b, 1, 'conversationA', forged.sha256)).toEqual({ kept: false, reason: 'dropped' });
		expect(await a.stat(forged.sha256, 'conversationA')).toBeUndefined();
		expect(await a.manifest(forged.sha256, 'conversationA')).toBeUndefined();
		expect(await objects().list(`${forged.sha256}/`)).toEqual([]);
	});

	it('the first manifest for a hash wins: a later one through the other relay is a claim on it', async () => {
		const file = makeFile(2);
		const other: ChunkManifest = { ...file.manifest, chunkSize: CHUNK_SIZE * 2, chunks: [sha(file.bytes)] };
		await a.putManifest(file.manifest, 'conversationA');
		await b.putManifest(other, 'conversationB');
		expect(await b.manifest(file.manifest.sha256, 'conversationB')).toEqual(file.manifest);
		expect(await b.isShared(file.manifest.sha256, 'conversationB')).toBe(false);
		expect(await b.stat(file.manifest.sha256, 'conversationB')).toMatchObject({ present: [], complete: false });
	});
});
