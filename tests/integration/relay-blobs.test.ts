// Files through the relay as a member, an outsider and a forger see it: upload in chunks, resume, download
// byte-identically, and refusals that say what went wrong. Every test runs twice: with the files in DATA_DIR/blobs
// and in an S3 bucket (s3rver, a real S3 protocol server); then what only S3 can do to the relay (go away).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE, type ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import { api, login, startRelay, tempDataDir, type TestRelay } from '../helpers/relay.ts';
import { startS3, type TestS3 } from '../helpers/s3-server.ts';

const FILE_MAX = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A file of `size` random bytes and its manifest, chunked as the app chunks it. */
function makeFile(size: number): { bytes: Buffer; manifest: ChunkManifest; chunk: (i: number) => Buffer } {
	const bytes = randomBytes(size);
	const chunk = (i: number) => bytes.subarray(i * CHUNK_SIZE, Math.min((i + 1) * CHUNK_SIZE, size));
	const count = Math.ceil(size / CHUNK_SIZE);
	return { bytes, chunk, manifest: { sha256: sha(bytes), size, chunkSize: CHUNK_SIZE, chunks: Array.from({ length: count }, (_, i) => sha(chunk(i))) } };
}

let relay: TestRelay;
let s3: TestS3 | undefined;
let dataDir: string;
let petr: string;
let anna: string;
let jan: string;
let conversation: string;

async function start(kind: 'DATA_DIR/blobs' | 'S3') {
	s3 = kind === 'S3' ? await startS3() : undefined;
	dataDir = tempDataDir();
	relay = await startRelay({ fileMaxBytes: FILE_MAX, dataDir, s3: s3?.config ?? null });
	[petr, anna, jan] = await Promise.all(['petr', 'anna', 'jan'].map(async (u) => (await login(relay.url, u)).token)) as [string, string, string];
	conversation = await newConversation(petr, { kind: 'case', caseId: 'SC-1042', members: ['anna'] });
}
async function stop() {
	await relay?.close();
	await s3?.close();
	rmSync(dataDir, { recursive: true, force: true });
}

async function newConversation(token: string, details: object): Promise<string> {
	const id = parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
	const registered = await api(relay.url, '/api/conversations', { token, body: { documentId: id, ...details } });
	expect(registered.status).toBe(201);
	return id;
}

/** Every object the store holds whose key starts with `prefix` (temporary files on disk included). */
async function stored(prefix: string): Promise<string[]> {
	if (!s3) {
		const root = join(dataDir, 'blobs');
		const walk = (dir: string): string[] =>
			readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))]));
		return existsSync(root) ? walk(root).filter((key) => key.startsWith(prefix)) : [];
	}
	const { endpoint, region, accessKeyId, secretAccessKey, bucket } = s3.config;
	const client = new S3Client({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true });
	const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `blobs/${prefix}` }));
	client.destroy();
	return (page.Contents ?? []).map((o) => o.Key!.slice('blobs/'.length));
}

const filePath = (file: string, rest: string, conv = conversation) => `/api/conversations/${conv}/files/${file}/${rest}`;
const postManifest = (token: string, manifest: unknown, file = (manifest as ChunkManifest).sha256, conv = conversation) =>
	api(relay.url, filePath(file, 'manifest', conv), { token, body: manifest });
const putChunk = (token: string, file: string, index: number | string, bytes: Uint8Array, conv = conversation) =>
	fetch(`${relay.url}${filePath(file, `chunks/${index}`, conv)}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
const getChunk = (token: string, file: string, index: number, conv = conversation) =>
	fetch(`${relay.url}${filePath(file, `chunks/${index}`, conv)}`, { headers: { authorization: `Bearer ${token}` } });

/** Sends the chunks in the order given, one after another (the app sends four at a time: see the last test). */
async function upload(token: string, file: ReturnType<typeof makeFile>, indices = file.manifest.chunks.map((_, i) => i), conv = conversation) {
	for (const i of indices) {
		const res = await putChunk(token, file.manifest.sha256, i, file.chunk(i), conv);
		expect(res.status, await res.clone().text()).toBe(201);
	}
}

/** Every chunk as `token` reads it through `conv`, joined. */
async function download(token: string, file: ReturnType<typeof makeFile>, conv = conversation): Promise<Buffer> {
	const parts: Buffer[] = [];
	for (let i = 0; i < file.manifest.chunks.length; i++) {
		const res = await getChunk(token, file.manifest.sha256, i, conv);
		expect(res.status).toBe(200);
		parts.push(Buffer.from(await res.arrayBuffer()));
	}
	return Buffer.concat(parts);
}

describe.each(['DATA_DIR/blobs', 'S3'] as const)('files through the relay, kept in %s', (kind) => {
	beforeAll(() => start(kind));
	afterAll(stop);

	it('a member uploads and another downloads the identical bytes', async () => {
		const file = makeFile(2 * CHUNK_SIZE + 12345);
		expect((await postManifest(petr, file.manifest)).status).toBe(200);
		await upload(petr, file);

		const stat = await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: anna });
		expect(stat.status).toBe(200);
		expect(stat.body).toMatchObject({ manifest: file.manifest, present: [0, 1, 2], complete: true });
		const parts: Buffer[] = [];
		for (let i = 0; i < 3; i++) {
			const res = await getChunk(anna, file.manifest.sha256, i);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('application/octet-stream');
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			parts.push(Buffer.from(await res.arrayBuffer()));
		}
		expect(sha(Buffer.concat(parts))).toBe(file.manifest.sha256);
	});

	it('resumes: the relay says which chunks it has and the rest completes the file', async () => {
		const file = makeFile(3 * CHUNK_SIZE + 1);
		await postManifest(anna, file.manifest);
		await upload(anna, file, [0, 2]);
		const halfway = await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: anna });
		expect(halfway.body).toMatchObject({ present: [0, 2], complete: false });
		expect((await getChunk(petr, file.manifest.sha256, 1)).status).toBe(404);

		// Announcing the same file again (a restarted upload) keeps what is there.
		expect((await postManifest(anna, file.manifest)).body).toMatchObject({ present: [0, 2] });
		await upload(anna, file, [1, 3]);
		const done = await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: petr });
		expect(done.body).toMatchObject({ present: [0, 1, 2, 3], complete: true });
	});

	it('takes the chunks all at once and in any order, as four uploads in flight deliver them', async () => {
		const file = makeFile(FILE_MAX);
		await postManifest(petr, file.manifest);
		const answers = await Promise.all([3, 1, 2, 0].map((i) => putChunk(petr, file.manifest.sha256, i, file.chunk(i))));
		expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: anna })).body).toMatchObject({ present: [0, 1, 2, 3], complete: true });
		expect((await download(anna, file)).equals(file.bytes)).toBe(true);
	});

	it('a restarted relay finishes the upload it had part of, and still checks the whole file', async () => {
		const file = makeFile(3 * CHUNK_SIZE);
		// Chunks that are what their manifest says, but do not make the file it names.
		const liar = makeFile(CHUNK_SIZE + 10);
		const forged = { ...liar.manifest, sha256: sha(Buffer.from('not this file')) };
		await postManifest(petr, file.manifest);
		await postManifest(petr, forged);
		await upload(petr, file, [0, 2]);
		await putChunk(petr, forged.sha256, 0, liar.chunk(0));
		await relay.stop();
		relay = await startRelay({ fileMaxBytes: FILE_MAX, dataDir, s3: s3?.config ?? null });

		await upload(petr, file, [1]);
		expect((await download(anna, file)).equals(file.bytes)).toBe(true);
		const last = await putChunk(petr, forged.sha256, 1, liar.chunk(1));
		expect(last.status).toBe(422);
		expect(((await last.json()) as { error: string }).error).toMatch(/do not add up/);
		expect(await stored(`${forged.sha256}/`)).toEqual([]);
	});

	it('a conversation that only knows the hash sees nothing of the file until it has uploaded every chunk', async () => {
		const file = makeFile(2 * CHUNK_SIZE + 7);
		await postManifest(petr, file.manifest);
		await upload(petr, file);
		const own = await newConversation(jan, { kind: 'direct', members: [] });

		const claim = await postManifest(jan, file.manifest, file.manifest.sha256, own);
		expect(claim.status).toBe(200);
		expect(claim.body).toMatchObject({ present: [], complete: false });
		expect((await getChunk(jan, file.manifest.sha256, 0, own)).status).toBe(404);
		await upload(jan, file, [0, 1], own);
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest', own), { token: jan })).body).toMatchObject({ present: [0, 1], complete: false });
		expect((await getChunk(jan, file.manifest.sha256, 0, own)).status).toBe(404);
		// The last chunk proves he holds the whole file: his conversation shares it like any other.
		await upload(jan, file, [2], own);
		expect((await download(jan, file, own)).equals(file.bytes)).toBe(true);
	});

	it('refuses outsiders and bad tokens, and does not reveal the file', async () => {
		const file = makeFile(1000);
		expect((await postManifest(petr, file.manifest)).status).toBe(200);
		await upload(petr, file);

		// Jan (Beta Tools) is not a member: 404, as if the conversation did not exist.
		const janUpload = await putChunk(jan, file.manifest.sha256, 0, file.chunk(0));
		expect(janUpload.status).toBe(404);
		expect(((await janUpload.json()) as { error: string }).error).toMatch(/not a member/);
		expect((await getChunk(jan, file.manifest.sha256, 0)).status).toBe(404);
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: jan })).status).toBe(404);
		expect((await postManifest(jan, file.manifest)).status).toBe(404);

		const [body, sig] = petr.split('.');
		const forged = `${body}.${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BB' : 'AA'}`;
		expect((await putChunk(forged, file.manifest.sha256, 0, file.chunk(0))).status).toBe(401);
		expect((await getChunk(forged, file.manifest.sha256, 0)).status).toBe(401);
		expect((await fetch(`${relay.url}${filePath(file.manifest.sha256, 'chunks/0')}`)).status).toBe(401);

		// A member of another conversation cannot reach this file through it.
		const other = await newConversation(jan, { kind: 'direct', members: [] });
		const via = await api(relay.url, filePath(file.manifest.sha256, 'manifest', other), { token: jan });
		expect(via.status).toBe(404);
	});

	it('refuses a chunk whose bytes do not match its hash, and keeps nothing of it', async () => {
		const file = makeFile(CHUNK_SIZE + 500);
		await postManifest(petr, file.manifest);
		const tampered = Buffer.from(file.chunk(0));
		tampered[100] = tampered[100]! ^ 0xff;
		const res = await putChunk(petr, file.manifest.sha256, 0, tampered);
		expect(res.status).toBe(422);
		expect(((await res.json()) as { error: string }).error).toMatch(/does not match its SHA-256/);
		const short = await putChunk(petr, file.manifest.sha256, 1, file.chunk(1).subarray(1));
		expect(short.status).toBe(400);
		expect(((await short.json()) as { error: string }).error).toMatch(/exactly 500 bytes/);
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: petr })).body.present).toEqual([]);
		// Not even a temporary file is left in the store.
		expect(await stored(`${file.manifest.sha256}/chunks/`)).toEqual([]);
	});

	it('drops a file whose chunks do not add up to the announced hash', async () => {
		const file = makeFile(1000);
		const lie = { ...file.manifest, sha256: sha(Buffer.from('something else')) };
		expect((await postManifest(petr, lie)).status).toBe(200);
		const res = await putChunk(petr, lie.sha256, 0, file.chunk(0));
		expect(res.status).toBe(422);
		expect(((await res.json()) as { error: string }).error).toMatch(/do not add up/);
		expect(await stored(`${lie.sha256}/`)).toEqual([]);
	});

	it('refuses oversized files and chunks with a clear message', async () => {
		const big = { ...makeFile(1000).manifest, size: FILE_MAX + 1, chunks: Array.from({ length: 5 }, () => 'a'.repeat(64)) };
		const tooBig = await postManifest(petr, big);
		expect(tooBig.status).toBe(413);
		expect(tooBig.body.error).toBe('This file is 1048577 bytes; the relay accepts files up to 1 MiB (FILE_MAX_BYTES).');

		const file = makeFile(CHUNK_SIZE + 10);
		await postManifest(petr, file.manifest);
		const oversized = await putChunk(petr, file.manifest.sha256, 1, randomBytes(CHUNK_SIZE));
		expect(oversized.status).toBe(413);
		expect(((await oversized.json()) as { error: string }).error).toMatch(/larger than the 10 bytes/);
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: petr })).body.present).toEqual([]);
	});

	it('answers malformed addresses and manifests with 400', async () => {
		const file = makeFile(1000);
		await postManifest(petr, file.manifest);
		expect((await api(relay.url, filePath('not-a-hash', 'manifest'), { token: petr })).status).toBe(400);
		expect((await api(relay.url, filePath(file.manifest.sha256.toUpperCase(), 'manifest'), { token: petr })).status).toBe(400);
		expect((await putChunk(petr, file.manifest.sha256, '-1', file.chunk(0))).status).toBe(400);
		expect((await putChunk(petr, file.manifest.sha256, 'x', file.chunk(0))).status).toBe(400);
		expect((await putChunk(petr, file.manifest.sha256, 1, file.chunk(0))).status).toBe(400);
		expect((await postManifest(petr, { ...file.manifest, chunks: [] })).status).toBe(400);
		const mismatch = await postManifest(petr, file.manifest, sha(Buffer.from('x')));
		expect(mismatch.status).toBe(400);
		expect(mismatch.body.error).toMatch(/another file/);
		// An unknown file in one's own conversation.
		expect((await getChunk(petr, sha(Buffer.from('nothing')), 0)).status).toBe(404);
	});
});

describe('files through the relay while S3 is away', () => {
	beforeAll(() => start('S3'));
	afterAll(stop);

	it('answers an error, acknowledges nothing it did not keep, and works again once S3 is back', async () => {
		const file = makeFile(3 * CHUNK_SIZE);
		expect((await postManifest(petr, file.manifest)).status).toBe(200);
		await upload(petr, file, [0]);

		await s3!.stop();
		const refused = await putChunk(petr, file.manifest.sha256, 1, file.chunk(1));
		expect(refused.status).toBe(503);
		expect(((await refused.json()) as { error: string }).error).toMatch(/cannot reach its file store right now, so nothing was saved/);
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: anna })).status).toBe(503);
		const other = makeFile(1000);
		expect((await postManifest(petr, other.manifest)).status).toBe(503);

		await s3!.start();
		// Chunk 1 was refused, so it is not there: the uploader's next attempt sends it again, and the rest.
		expect((await api(relay.url, filePath(file.manifest.sha256, 'manifest'), { token: petr })).body).toMatchObject({ present: [0], complete: false });
		await upload(petr, file, [1, 2]);
		expect((await download(anna, file)).equals(file.bytes)).toBe(true);
		expect((await postManifest(petr, other.manifest)).status).toBe(200);
	});
});
