// SHA-256 through WebCrypto: the same code runs in the browser, in workers and in Node 20.
import { toHex } from '$lib/hex';
import type { Sha256Hex } from '$lib/model/file-manifest';

export { isSha256Hex, type Sha256Hex } from '$lib/model/file-manifest';
export { toHex };


export async function sha256Hex(bytes: Uint8Array): Promise<Sha256Hex> {
	// digest() wants ArrayBuffer-backed bytes; a view on a SharedArrayBuffer is copied first.
	const source = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
	return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', source)));
}
