// Files through the relay as a member, an outsider and a forger see it: upload in chunks, resume, download
// byte-identically, and refusals that say what went wrong.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE, type ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';

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
let petr: string;
let anna: string;
let jan: string;
let conversation: string;

beforeAll(async () => {
	relay = await startRelay({ fileMaxBytes: FILE_MAX });
	[petr, anna, jan] = await Promise.all(['petr', 'anna', 'jan'].map(async (u) => (await login(relay.url, u)).token)) as [string, string, string];
	conversation = parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
	const registered = await api(relay.url, '/api/conversations', { token: petr, body: { documentId: conversation, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
	expect(registered.status).toBe(201);
});
afterAll(() => relay?.close());

const filePath = (file: string, rest: string, conv = conversation) => `/api/conversations/${conv}/files/${file}/${rest}`;
const postManifest = (token: string, manifest: unknown, file = (manifest as ChunkManifest).sha256) =>
	api(relay.url, filePath(file, 'manifest'), { token, body: manifest });
const putChunk = (token: string, file: string, index: number | string, bytes: Uint8Array) =>
	fetch(`${relay.url}${filePath(file, `chunks/${index}`)}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
const getChunk = (token: string, file: string, index: number) =>
	fetch(`${relay.url}${filePath(file, `chunks/${index}`)}`, { headers: { authorization: `Bearer ${token}` } });

async function upload(token: string, file: ReturnType<typeof makeFile>, indices = file.manifest.chunks.map((_, i) => i)) {
	for (const i of indices) {
		const res = await putChunk(token, file.manifest.sha256, i, file.chunk(i));
		expect(res.status, await res.clone().text()).toBe(201);
	}
}

describe('files through the relay', () => {
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
		const other = parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
		expect((await api(relay.url, '/api/conversations', { token: jan, body: { documentId: other, kind: 'direct', members: [] } })).status).toBe(201);
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
		// Not even a temporary file is left on the relay's disk.
		const chunks = join(relay.dataDir, 'blobs', file.manifest.sha256, 'chunks');
		expect(existsSync(chunks) ? readdirSync(chunks) : []).toEqual([]);
	});

	it('drops a file whose chunks do not add up to the announced hash', async () => {
		const file = makeFile(1000);
		const lie = { ...file.manifest, sha256: sha(Buffer.from('something else')) };
		expect((await postManifest(petr, lie)).status).toBe(200);
		const res = await putChunk(petr, lie.sha256, 0, file.chunk(0));
		expect(res.status).toBe(422);
		expect(((await res.json()) as { error: string }).error).toMatch(/do not add up/);
		expect(existsSync(join(relay.dataDir, 'blobs', lie.sha256))).toBe(false);
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
