// Building a file's manifest from its bytes (the type and its guard live in the model, shared with the relay).
import { CHUNK_SIZE, type ChunkManifest, type Sha256Hex } from '$lib/model/file-manifest';
import { readChunks, type ByteSource } from './chunking';
import { sha256Hex, streamingSha256 } from './hash';

export { isChunkManifest, MAX_CHUNK_SIZE, type ChunkManifest } from '$lib/model/file-manifest';

/**
 * Hashes a source one chunk at a time: each chunk's SHA-256, and the whole file's through a streaming SHA-256 (what
 * `sha256sum` prints, so a person can check a download). Only one chunk is in memory at a time, whatever the size.
 * `onChunk` sees every chunk as it goes by, so the caller can store it without reading the file twice.
 */
export async function buildManifest(
	source: ByteSource,
	chunkSize = CHUNK_SIZE,
	onChunk?: (index: number, bytes: Uint8Array) => Promise<void> | void
): Promise<ChunkManifest> {
	const chunks: Sha256Hex[] = [];
	const whole = await streamingSha256();
	for await (const { index, bytes } of readChunks(source, chunkSize)) {
		chunks.push(await sha256Hex(bytes));
		whole.update(bytes);
		await onChunk?.(index, bytes);
	}
	return { sha256: whole.digest(), size: source.size, chunkSize, chunks };
}
