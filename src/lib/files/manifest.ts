// Building a file's manifest from its bytes (the type and its guard live in the model, shared with the relay).
import { CHUNK_SIZE, type ChunkManifest, type Sha256Hex } from '$lib/model/file-manifest';
import { readChunks, type ByteSource } from './chunking';
import { sha256Hex } from './hash';

export { isChunkManifest, MAX_CHUNK_SIZE, type ChunkManifest } from '$lib/model/file-manifest';

/**
 * Hashes a source chunk by chunk. The whole-file hash is the SHA-256 of all bytes (what `sha256sum`
 * prints, so a person can check a download); WebCrypto has no incremental digest, so this holds the file
 * in memory once. Fine for typical attachments; very large files need a streaming SHA-256 (open work).
 */
export async function buildManifest(source: ByteSource, chunkSize = CHUNK_SIZE): Promise<ChunkManifest> {
	const chunks: Sha256Hex[] = [];
	const all = new Uint8Array(source.size);
	for await (const { index, bytes } of readChunks(source, chunkSize)) {
		chunks.push(await sha256Hex(bytes));
		all.set(bytes, index * chunkSize);
	}
	return { sha256: await sha256Hex(all), size: source.size, chunkSize, chunks };
}
