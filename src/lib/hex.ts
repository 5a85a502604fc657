// Bytes as lower-case hex, and random hex ids. crypto.getRandomValues, unlike crypto.randomUUID, also works on a
// plain-http LAN address and in Node 20.
export function toHex(bytes: Uint8Array): string {
	let out = '';
	for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
	return out;
}

/** `byteCount` random bytes as 2 × byteCount hex digits. */
export const randomHex = (byteCount: number): string => toHex(crypto.getRandomValues(new Uint8Array(byteCount)));
