// Files through the relay (sync-server/files/api-files.ts): upload resumes from the chunks the relay already has, and a
// download verifies every chunk and the whole file before anyone sees it. The fetcher (file-fetch.ts) is the
// device-first way to download; downloadFromRelay stays for the whiteboard's picture import.
import { chunkCount, chunkRange, type ChunkManifest } from '$lib/model/file-manifest';
import type { BlobStore } from './blob-store';
import { blobSource } from './chunking';
import { sha256Hex } from './hash';
import { buildManifest } from './manifest';

export class TransferError extends Error {}
/** The relay could not be reached at all (offline, or it is down): worth trying again later, as it is. */
export class RelayUnreachable extends TransferError {}

/** PUTs in flight at once during an upload. */
const UPLOAD_PARALLEL = 4;

export interface Progress {
	done: number;
	total: number;
}

/** Calls the relay's files API for one file of one conversation; a 404 is answered, not thrown (it means "not yet"). */
export function relayClient(token: string, conversationId: string, sha256: string) {
	const base = `/api/conversations/${encodeURIComponent(conversationId)}/files/${sha256}`;
	return async (path: string, init: RequestInit = {}): Promise<Response> => {
		let response: Response;
		try {
			response = await fetch(`${base}${path}`, { ...init, cache: 'no-store', headers: { authorization: `Bearer ${token}`, ...init.headers } });
		} catch (err) {
			if (init.signal?.aborted) throw err;
			throw new RelayUnreachable('The Caseroom server cannot be reached. The file is kept here; try again when online.');
		}
		if (!response.ok && response.status !== 404) {
			const body = (await response.json().catch(() => null)) as { error?: string } | null;
			throw new TransferError(body?.error ?? `The server answered ${response.status}.`);
		}
		return response;
	};
}

/** Sends the file's chunks the relay does not have yet; returns its manifest. */
export async function uploadToRelay(token: string, conversationId: string, file: Blob, onProgress?: (p: Progress) => void): Promise<ChunkManifest> {
	const manifest = await buildManifest(blobSource(file));
	await sendChunks(token, conversationId, manifest, (_, start, end) => file.slice(start, end).arrayBuffer().then((b) => new Uint8Array(b)), onProgress);
	return manifest;
}

/** Sends a file kept in this device's blob store, resuming from the chunks the relay already has. */
export async function uploadStored(
	token: string,
	conversationId: string,
	store: BlobStore,
	manifest: ChunkManifest,
	onProgress?: (p: Progress) => void,
	signal?: AbortSignal
): Promise<void> {
	const read = async (index: number) => {
		const bytes = await store.getChunk(manifest.sha256, index);
		if (!bytes) throw new TransferError(`Part ${index} of this file is no longer on this device.`);
		return bytes;
	};
	await sendChunks(token, conversationId, manifest, read, onProgress, signal);
}

async function sendChunks(
	token: string,
	conversationId: string,
	manifest: ChunkManifest,
	read: (index: number, start: number, end: number) => Promise<Uint8Array>,
	onProgress?: (p: Progress) => void,
	signal?: AbortSignal
): Promise<void> {
	const call = relayClient(token, conversationId, manifest.sha256);
	let status = await call('/manifest', { signal });
	if (status.status === 404) {
		await call('/manifest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(manifest), signal });
		status = await call('/manifest', { signal });
	}
	const { present } = (await status.json()) as { present: number[] };
	const have = new Set(present);
	const total = manifest.chunks.length;
	onProgress?.({ done: have.size, total });
	const missing = manifest.chunks.map((_, i) => i).filter((i) => !have.has(i));
	// A few PUTs in flight hide the round trip; only those chunks are in memory.
	const send = async () => {
		try {
			for (let index = missing.shift(); index !== undefined; index = missing.shift()) {
				const { start, end } = chunkRange(index, manifest.size, manifest.chunkSize);
				const bytes = await read(index, start, end);
				await call(`/chunks/${index}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes as Uint8Array<ArrayBuffer>, signal });
				have.add(index);
				onProgress?.({ done: have.size, total });
			}
		} catch (err) {
			missing.length = 0; // the others stop too; the next attempt resumes from what the relay has
			throw err;
		}
	};
	await Promise.all(Array.from({ length: UPLOAD_PARALLEL }, send));
}

/** Fetches and checks every chunk and the whole file; the bytes are exactly what the uploader shared. */
export async function downloadFromRelay(token: string, conversationId: string, sha256: string, type: string, onProgress?: (p: Progress) => void): Promise<Blob> {
	const call = relayClient(token, conversationId, sha256);
	const status = await call('/manifest');
	if (status.status === 404) throw new TransferError('The relay does not have this file (yet). Its uploader may still be sending it.');
	const { manifest, complete } = (await status.json()) as { manifest: ChunkManifest; complete: boolean };
	if (!complete) throw new TransferError('The relay has only part of this file so far. Try again in a moment.');
	const parts: Uint8Array[] = [];
	const total = chunkCount(manifest.size, manifest.chunkSize);
	for (let index = 0; index < total; index++) {
		const bytes = new Uint8Array(await (await call(`/chunks/${index}`)).arrayBuffer());
		if ((await sha256Hex(bytes)) !== manifest.chunks[index]) throw new TransferError(`Chunk ${index} arrived damaged. Try again.`);
		parts.push(bytes);
		onProgress?.({ done: index + 1, total });
	}
	const blob = new Blob(parts as Uint8Array<ArrayBuffer>[], { type });
	if ((await sha256Hex(new Uint8Array(await blob.arrayBuffer()))) !== sha256) throw new TransferError('The file does not match its checksum.');
	return blob;
}
