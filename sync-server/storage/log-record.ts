// One record of the relay's document log: a document's appended changes, framed so that a record cut short by
// kill -9 (or a power cut) is recognised when the log is read again. Reads no files: encoding and decoding only.
//
// Layout, little-endian:  magic u32 | crc u32 | payload length u32 | id length u8 | document id (ASCII) | payload
// The checksum covers everything after itself. It is zlib's CRC-32, native in Node: like CRC-32C it catches every
// burst of up to 32 flipped bits and a torn tail with odds of 1 in 2^32 of missing it. CRC-32C is faster only with
// its SSE4.2 instruction, which Node does not expose (in JavaScript it reads ~370 MB/s here against zlib's ~3 GB/s,
// and the start of the relay checks every record not yet compacted); no adversary writes this file, so a
// cryptographic hash (5 µs per small record against 0.9 µs) would buy nothing.
import { crc32 } from 'node:zlib';

/** "CRL1": Caseroom record log, format 1. A zeroed tail (a power cut after the size grew) fails here first. */
export const RECORD_MAGIC = 0x314c5243;
export const HEADER_BYTES = 13;
/** Larger than any message the relay accepts; a bigger length is damage, not a record. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
export const MAX_ID_BYTES = 200;

export function encodeRecord(documentId: string, payload: Uint8Array): Buffer {
	const idLength = Buffer.byteLength(documentId, 'latin1');
	if (idLength === 0 || idLength > MAX_ID_BYTES) throw new Error(`Document id of ${idLength} bytes cannot be logged`);
	if (payload.length > MAX_PAYLOAD_BYTES) throw new Error(`A change of ${payload.length} bytes is over the log's limit`);
	const record = Buffer.allocUnsafe(HEADER_BYTES + idLength + payload.length);
	record.writeUInt32LE(RECORD_MAGIC, 0);
	record.writeUInt32LE(payload.length, 8);
	record.writeUInt8(idLength, 12);
	record.write(documentId, HEADER_BYTES, 'latin1');
	record.set(payload, HEADER_BYTES + idLength);
	record.writeUInt32LE(crc32(record.subarray(8)), 4);
	return record;
}

export type Decoded =
	/** A whole, intact record: its payload is `bytes[payloadStart, payloadStart + payloadLength)`. */
	| { kind: 'record'; documentId: string; payloadStart: number; payloadLength: number; next: number }
	/** The bytes end inside a record that needs `length` bytes from `offset`: read more, or it is a torn tail. */
	| { kind: 'short'; length: number }
	/** Not a record (a torn or damaged one): nothing from `offset` on can be trusted. */
	| { kind: 'bad'; reason: string };

/** Decodes the record at `offset` of `bytes` (which may hold only part of the log). */
export function decodeRecord(bytes: Buffer, offset: number): Decoded {
	const available = bytes.length - offset;
	if (available < HEADER_BYTES) return { kind: 'short', length: HEADER_BYTES };
	if (bytes.readUInt32LE(offset) !== RECORD_MAGIC) return { kind: 'bad', reason: 'no record starts here' };
	const payloadLength = bytes.readUInt32LE(offset + 8);
	const idLength = bytes.readUInt8(offset + 12);
	if (payloadLength > MAX_PAYLOAD_BYTES || idLength === 0 || idLength > MAX_ID_BYTES) return { kind: 'bad', reason: 'impossible lengths' };
	const length = HEADER_BYTES + idLength + payloadLength;
	if (available < length) return { kind: 'short', length };
	if (crc32(bytes.subarray(offset + 8, offset + length)) !== bytes.readUInt32LE(offset + 4)) return { kind: 'bad', reason: 'checksum mismatch' };
	const idStart = offset + HEADER_BYTES;
	return {
		kind: 'record',
		documentId: bytes.toString('latin1', idStart, idStart + idLength),
		payloadStart: idStart + idLength,
		payloadLength,
		next: offset + length
	};
}
