// Files through the relay: an access-checked, resumable, chunked upload and download.
//   POST /api/conversations/:id/files/:sha256/manifest         JSON ChunkManifest: announce a file
//   GET  /api/conversations/:id/files/:sha256/manifest         { manifest, present, complete }: where to resume
//   PUT  /api/conversations/:id/files/:sha256/chunks/:index    raw bytes, checked against the manifest's hash
//   GET  /api/conversations/:id/files/:sha256/chunks/:index    raw bytes
// Only members; anyone else gets 404 as if the conversation did not exist (as in api-conversations.ts).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHUNK_SIZE, chunkCount, chunkLength, isChunkManifest, isSha256Hex } from '../../src/lib/model/file-manifest.ts';
import type { ApiContext, ApiResult } from '../http/api.ts';
import type { ArrivedChunk, BlobStore } from './blob-store.ts';
import { ObjectStoreUnavailable } from './object-store.ts';
import type { StoredPerson } from '../directory/events.ts';
import { HttpError, readJsonBody } from '../http/http-util.ts';
import { silentLog } from '../ops/log.ts';
import { requestIdOf } from '../ops/request-log.ts';

export const FILE_ROUTE = /^\/api\/conversations\/([^/]+)\/files\/([^/]+)\/(manifest|chunks\/([^/]+))$/;

const NOT_FOUND = 'No such conversation, or you are not a member of it.';
const NO_FILE = 'No such file in this conversation.';

/** A raw answer (chunk bytes) or a JSON one. */
export type FileResult = ApiResult | { status: number; bytes: Uint8Array };

export async function handleFileRequest(
	ctx: ApiContext,
	blobs: BlobStore,
	req: IncomingMessage,
	match: RegExpExecArray,
	actor: StoredPerson
): Promise<FileResult> {
	try {
		return await fileRequest(ctx, blobs, req, match, actor);
	} catch (err) {
		if (!(err instanceof ObjectStoreUnavailable)) throw err;
		(ctx.log ?? silentLog).error({ req: requestIdOf(req), err: err.message }, 'The file store is unavailable');
		throw new HttpError(503, 'The relay cannot reach its file store right now, so nothing was saved. Try again in a moment; if it persists, tell the relay\'s administrator.');
	}
}

async function fileRequest(ctx: ApiContext, blobs: BlobStore, req: IncomingMessage, match: RegExpExecArray, actor: StoredPerson): Promise<FileResult> {
	const [, id, file, part, indexText] = match as unknown as [string, string, string, string, string | undefined];
	if (!isSha256Hex(file)) throw new HttpError(400, 'A file is addressed by its SHA-256 as 64 lower-case hex digits.');
	const index = indexText === undefined ? undefined : chunkIndex(indexText);
	const conversation = ctx.store.conversation(id);
	if (!conversation || !conversation.members.includes(actor.id)) throw new HttpError(404, NOT_FOUND);
	const method = req.method === 'HEAD' ? 'GET' : req.method;

	if (part === 'manifest' && method === 'POST') return postManifest(ctx, blobs, req, file, id);
	if (part === 'manifest' && method === 'GET') {
		const stat = await blobs.stat(file, id);
		if (!stat) throw new HttpError(404, NO_FILE);
		return { status: 200, body: stat };
	}
	if (index !== undefined && (method === 'PUT' || method === 'GET')) {
		const manifest = await blobs.manifest(file, id);
		if (!manifest) throw new HttpError(404, NO_FILE);
		const expected = manifest.chunks[index];
		if (expected === undefined) throw new HttpError(400, `This file has chunks 0 to ${manifest.chunks.length - 1}, not ${index}.`);
		if (method === 'GET') {
			// Claimed, not yet shared: every chunk must come through this conversation before it may read any.
			if (!(await blobs.isShared(file, id))) throw new HttpError(404, `The relay does not have chunk ${index} of this file yet.`);
			const bytes = await blobs.getChunk(file, index);
			if (!bytes) throw new HttpError(404, `The relay does not have chunk ${index} of this file yet.`);
			return { status: 200, bytes };
		}
		const length = chunkLength(index, manifest.size, manifest.chunkSize);
		const chunk = await readChunkBody(req, length);
		if (chunk.bytes.length !== length) throw new HttpError(400, `Chunk ${index} must be exactly ${length} bytes, not ${chunk.bytes.length}.`);
		const put = await blobs.putChunk(file, index, chunk, id);
		if (put.kept) {
			ctx.meter?.fileBytes('in', chunk.bytes.length);
			return { status: 201, body: { index, present: put.present, complete: put.complete } };
		}
		if (put.reason === 'mismatch')
			throw new HttpError(422, `Chunk ${index} does not match its SHA-256 in the manifest, so it was not kept. Send it again.`);
		// The chunk hashes came from the uploader; once all were here they did not make the announced file.
		throw new HttpError(422, 'The chunks do not add up to the file the manifest announced, so the relay dropped it.');
	}
	const allow = part === 'manifest' ? 'GET, POST' : 'GET, PUT';
	return { status: 405, body: { error: `This address accepts ${allow} only.` }, headers: { allow } };
}

async function postManifest(ctx: ApiContext, blobs: BlobStore, req: IncomingMessage, file: string, id: string): Promise<ApiResult> {
	const limit = ctx.config.fileMaxBytes;
	// Room for one 64-digit hash per chunk of the largest file allowed, plus the rest of the manifest.
	const body = await readJsonBody(req, 4096 + 70 * chunkCount(limit, CHUNK_SIZE));
	if (!isChunkManifest(body))
		throw new HttpError(400, 'Send a manifest { sha256, size, chunkSize, chunks: [SHA-256 of each chunk] } with one hash per chunk.');
	if (body.sha256 !== file) throw new HttpError(400, 'The manifest is for another file than the address names.');
	if (body.size > limit)
		throw new HttpError(413, `This file is ${body.size} bytes; the relay accepts files up to ${formatBytes(limit)} (FILE_MAX_BYTES).`);
	const manifest = { sha256: body.sha256, size: body.size, chunkSize: body.chunkSize, chunks: body.chunks };
	await blobs.putManifest(manifest, id);
	const stat = await blobs.stat(file, id);
	if (!stat) throw new HttpError(409, 'The relay dropped this file while it was announced (its chunks did not make it). Announce it again.');
	// The first manifest for a hash stands (its chunks are stored by index); a different one cannot be honoured.
	const same = stat.manifest.chunkSize === manifest.chunkSize && stat.manifest.chunks.join() === manifest.chunks.join();
	if (!same)
		throw new HttpError(409, 'The relay already has this file with a different chunk layout; upload it with that manifest.');
	return { status: 200, body: stat };
}

function chunkIndex(text: string): number {
	const n = Number(text);
	if (!/^\d{1,9}$/.test(text) || !Number.isSafeInteger(n)) throw new HttpError(400, 'A chunk index is a whole number from 0.');
	return n;
}

/** Reads a chunk of at most `limit` bytes, hashing it as it arrives; refuses more as soon as it is seen (413). */
export function readChunkBody(req: IncomingMessage, limit: number): Promise<ArrivedChunk> {
	const tooLarge = () => new HttpError(413, `This chunk is larger than the ${limit} bytes the manifest says it has.`);
	if (Number(req.headers['content-length']) > limit) return Promise.reject(tooLarge());
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		const hash = createHash('sha256');
		let size = 0;
		const stop = () => req.off('data', onData).off('end', onEnd).off('error', onError);
		const onData = (part: Buffer) => {
			size += part.length;
			if (size > limit) {
				stop();
				return reject(tooLarge());
			}
			parts.push(part);
			hash.update(part);
		};
		const onEnd = () => {
			stop();
			resolve({ bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), sha256: hash.digest('hex') });
		};
		const onError = () => {
			stop();
			reject(new HttpError(400, 'The request body could not be read.'));
		};
		req.on('data', onData).on('end', onEnd).on('error', onError);
	});
}

export function sendBytes(res: ServerResponse, status: number, bytes: Uint8Array): void {
	res.writeHead(status, {
		// Never rendered by the browser from the app's origin: the app checks and shows the type itself.
		'content-type': 'application/octet-stream',
		'content-disposition': 'attachment',
		'x-content-type-options': 'nosniff',
		'content-length': String(bytes.byteLength),
		// Chunks are immutable (addressed by hash) but access-checked: the browser may keep, shared caches may not.
		'cache-control': 'private, max-age=31536000, immutable'
	});
	res.end(bytes);
}

function formatBytes(n: number): string {
	const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = n;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${n} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}
