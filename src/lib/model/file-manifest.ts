// A file's chunk manifest: what a receiver needs to fetch and verify each chunk and the whole file.
// In the model because both the app and the relay check it (the relay imports only src/lib/model/).

/** Lower-case hex SHA-256, the content address of files and chunks. */
export type Sha256Hex = string;

/** 256 KiB: small enough for a data channel message and a quick retry, large enough to keep overhead low. */
export const CHUNK_SIZE = 256 * 1024;
/** Upper bound on an announced chunk size, so a forged manifest cannot demand huge buffers. */
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;

export interface ChunkManifest {
	/** SHA-256 of the whole file (what `sha256sum` prints). */
	sha256: Sha256Hex;
	size: number;
	chunkSize: number;
	/** SHA-256 of each chunk, in order. */
	chunks: Sha256Hex[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: unknown): value is Sha256Hex {
	return typeof value === 'string' && HEX_SHA256.test(value);
}

export function chunkCount(size: number, chunkSize = CHUNK_SIZE): number {
	if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid file size: ${size}`);
	if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`invalid chunk size: ${chunkSize}`);
	return Math.ceil(size / chunkSize);
}

/** Byte range [start, end) of chunk `index`; the last chunk may be short. */
export function chunkRange(index: number, size: number, chunkSize = CHUNK_SIZE): { start: number; end: number } {
	const count = chunkCount(size, chunkSize);
	if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
		throw new RangeError(`chunk ${index} out of range (0..${count - 1})`);
	}
	const start = index * chunkSize;
	return { start, end: Math.min(start + chunkSize, size) };
}

/** Expected byte length of chunk `index`, so short or long chunks are refused before hashing. */
export function chunkLength(index: number, size: number, chunkSize = CHUNK_SIZE): number {
	const { start, end } = chunkRange(index, size, chunkSize);
	return end - start;
}

export function isChunkManifest(value: unknown): value is ChunkManifest {
	if (typeof value !== 'object' || value === null) return false;
	const m = value as Record<string, unknown>;
	if (!isSha256Hex(m.sha256)) return false;
	if (typeof m.size !== 'number' || !Number.isSafeInteger(m.size) || m.size < 0) return false;
	if (typeof m.chunkSize !== 'number' || !Number.isSafeInteger(m.chunkSize)) return false;
	if (m.chunkSize <= 0 || m.chunkSize > MAX_CHUNK_SIZE) return false;
	if (!Array.isArray(m.chunks) || m.chunks.length !== chunkCount(m.size, m.chunkSize)) return false;
	return m.chunks.every(isSha256Hex);
}
