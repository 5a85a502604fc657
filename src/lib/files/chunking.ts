// Files move and are stored in fixed-size chunks so a transfer can resume and verify piece by piece.
import { chunkCount, chunkRange, CHUNK_SIZE } from '$lib/model/file-manifest';

export { chunkCount, chunkLength, chunkRange, CHUNK_SIZE } from '$lib/model/file-manifest';

/** Views (no copies) of the chunks of an in-memory buffer. */
export function* chunksOf(bytes: Uint8Array, chunkSize = CHUNK_SIZE): Generator<Uint8Array> {
	const count = chunkCount(bytes.byteLength, chunkSize);
	for (let i = 0; i < count; i++) {
		const { start, end } = chunkRange(i, bytes.byteLength, chunkSize);
		yield bytes.subarray(start, end);
	}
}

/** Anything chunk bytes can be read from: a Blob/File in the browser, a buffer in tests. */
export interface ByteSource {
	readonly size: number;
	slice(start: number, end: number): Promise<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
	return { size: bytes.byteLength, slice: async (start, end) => bytes.subarray(start, end) };
}

export function blobSource(blob: Blob): ByteSource {
	return { size: blob.size, slice: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) };
}

/** Reads one chunk at a time so a large file never sits in memory whole. */
export async function* readChunks(source: ByteSource, chunkSize = CHUNK_SIZE): AsyncGenerator<{ index: number; bytes: Uint8Array }> {
	const count = chunkCount(source.size, chunkSize);
	for (let index = 0; index < count; index++) {
		const { start, end } = chunkRange(index, source.size, chunkSize);
		yield { index, bytes: await source.slice(start, end) };
	}
}
