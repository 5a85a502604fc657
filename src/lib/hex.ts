// Bytes as lower-case hex, random hex ids, and a buffer's SHA-256 (WebCrypto, in browsers and Node 20 alike). crypto.getRandomValues, unlike crypto.randomUUID, also works on a
// plain-http LAN address and in Node 20.
export function toHex(bytes: Uint8Array): string {
	let out = '';
	for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
	return out;
}

/** `byteCount` random bytes as 2 × byteCount hex digits. */
export const randomHex = (byteCount: number): string => toHex(crypto.getRandomValues(new Uint8Array(byteCount)));

/** SHA-256 of one buffer as lower-case hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	// digest() wants ArrayBuffer-backed bytes; a view on a SharedArrayBuffer is copied first.
	const source = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
	return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', source)));
}
