// SHA-256 of one buffer through WebCrypto, and a streaming SHA-256 (hash-wasm) for whole files: WebCrypto has no
// incremental digest, and a 1 GB file must never sit in memory just to be hashed. Both run in browsers, workers
// and Node 20.
import { createSHA256, type IHasher } from 'hash-wasm';
import { sha256Hex, toHex } from '$lib/hex';
import type { Sha256Hex } from '$lib/model/file-manifest';

export { isSha256Hex, type Sha256Hex } from '$lib/model/file-manifest';
export { sha256Hex, toHex };

/** An incremental SHA-256: feed bytes in order, read the hex digest once at the end. */
export interface StreamingSha256 {
	update(bytes: Uint8Array): void;
	digest(): Sha256Hex;
}

export async function streamingSha256(): Promise<StreamingSha256> {
	// Each call gets its own wasm instance, so two files hashed at once never mix their state.
	const hasher: IHasher = (await createSHA256()).init();
	return {
		update: (bytes) => void hasher.update(bytes),
		digest: () => hasher.digest('hex')
	};
}
