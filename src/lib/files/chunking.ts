// Files move and are stored in fixed-size chunks so a transfer can resume and verify piece by piece.
import { chunkCount, chunkLength, chunkRange, CHUNK_SIZE } from '$lib/model/file-manifest';

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
	/** Reads it all in order, when the source does that faster than slices (a Blob does, several times over). */
	stream?(): ReadableStream<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
	return { size: bytes.byteLength, slice: async (start, end) => bytes.subarray(start, end) };
}

export function blobSource(blob: Blob): ByteSource {
	return { size: blob.size, slice: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()), stream: () => blob.stream() };
}

/** Bytes sliced from a source at once: each Blob slice costs a round trip to the browser's blob store. */
export const READ_WINDOW = 4 * 1024 * 1024;

/** Reads chunks in order (streaming when the source can, else a window at a time): never the whole file at once. */
export async function* readChunks(source: ByteSource, chunkSize = CHUNK_SIZE, window = READ_WINDOW): AsyncGenerator<{ index: number; bytes: Uint8Array }> {
	if (source.stream) {
		yield* streamChunks(source.stream(), source.size, chunkSize);
		return;
	}
	const count = chunkCount(source.size, chunkSize);
	const perWindow = Math.max(1, Math.floor(window / chunkSize));
	for (let first = 0; first < count; first += perWindow) {
		const last = Math.min(count, first + perWindow) - 1;
		const start = chunkRange(first, source.size, chunkSize).start;
		const bytes = await source.slice(start, chunkRange(last, source.size, chunkSize).end);
		for (let index = first; index <= last; index++) {
			const { start: from, end: to } = chunkRange(index, source.size, chunkSize);
			yield { index, bytes: bytes.subarray(from - start, to - start) };
		}
	}
}

/** Cuts a byte stream into chunks; each chunk is its own buffer, since the caller may keep it. */
async function* streamChunks(stream: ReadableStream<Uint8Array>, size: number, chunkSize: number): AsyncGenerator<{ index: number; bytes: Uint8Array }> {
	const count = chunkCount(size, chunkSize);
	const reader = stream.getReader();
	let index = 0;
	let chunk = new Uint8Array(count > 0 ? chunkLength(0, size, chunkSize) : 0);
	let filled = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			for (let at = 0; at < value.byteLength; ) {
				if (index >= count) throw new RangeError('The file grew while it was read.');
				const take = Math.min(chunk.byteLength - filled, value.byteLength - at);
				chunk.set(value.subarray(at, at + take), filled);
				filled += take;
				at += take;
				if (filled === chunk.byteLength) {
					yield { index, bytes: chunk };
					index++;
					filled = 0;
					if (index < count) chunk = new Uint8Array(chunkLength(index, size, chunkSize));
				}
			}
		}
	} finally {
		reader.releaseLock();
	}
	if (index !== count) throw new RangeError('The file shrank while it was read.');
}
