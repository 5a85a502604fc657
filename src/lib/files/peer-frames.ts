// The file chunk protocol between two members' devices on one PeerJS data channel ('raw' serialization, binary
// messages). Every frame is at most 64 KiB (Chromium sends larger messages too, but small frames keep one busy
// channel from delaying another's requests) and starts with a 1-byte type and a 4-byte request id:
//   HAVE?   [1][id][sha256: 32 bytes]                       which chunks of this file do you have?
//   HAVE    [2][id][count u32][bitmap]                       bit i set: chunk i is here (count = manifest's chunks)
//   CHUNK?  [3][id][sha256: 32 bytes][index u32]             send me this chunk
//   DATA    [4][id][offset u32][total u32][bytes]            part of the chunk asked for; parts arrive in order
//   ERROR   [5][id][code u8][utf-8 message]                  the request is refused or failed
//   CANCEL  [6][id]                                          I no longer need this request
// Pure: bytes in, typed frames out. Untrusted input: decode() returns null for anything malformed.
import { isSha256Hex, type Sha256Hex } from '$lib/model/file-manifest';

export const MAX_FRAME = 64 * 1024;
const DATA_HEADER = 13;
/** The largest piece of a chunk one DATA frame carries. */
export const MAX_DATA = MAX_FRAME - DATA_HEADER;
/** A HAVE bitmap must fit one frame: 8 bits a chunk, so up to ~524,000 chunks (128 GiB of 256 KiB chunks). */
export const MAX_HAVE_COUNT = (MAX_FRAME - 9) * 8;
const MAX_MESSAGE = 200;

export const Op = { HaveAsk: 1, Have: 2, ChunkAsk: 3, Data: 4, Error: 5, Cancel: 6 } as const;
export type Op = (typeof Op)[keyof typeof Op];

/** Why a request failed: the asker's fetcher decides whether to try elsewhere (always, today). */
export type ErrorCode = 'not-shared' | 'not-here' | 'bad-request' | 'busy';
const CODES: ErrorCode[] = ['not-shared', 'not-here', 'bad-request', 'busy'];

export type Frame =
	| { op: typeof Op.HaveAsk; id: number; file: Sha256Hex }
	| { op: typeof Op.Have; id: number; count: number; have: number[] }
	| { op: typeof Op.ChunkAsk; id: number; file: Sha256Hex; index: number }
	| { op: typeof Op.Data; id: number; offset: number; total: number; bytes: Uint8Array }
	| { op: typeof Op.Error; id: number; code: ErrorCode; message: string }
	| { op: typeof Op.Cancel; id: number };

const text = new TextEncoder();
const untext = new TextDecoder('utf-8', { fatal: false });

function header(op: Op, id: number, extra: number): { bytes: Uint8Array; view: DataView } {
	const bytes = new Uint8Array(5 + extra);
	const view = new DataView(bytes.buffer);
	bytes[0] = op;
	view.setUint32(1, id);
	return { bytes, view };
}

function hashBytes(file: Sha256Hex): Uint8Array {
	if (!isSha256Hex(file)) throw new RangeError('a file is addressed by its lower-case hex SHA-256');
	const out = new Uint8Array(32);
	for (let i = 0; i < 32; i++) out[i] = parseInt(file.slice(i * 2, i * 2 + 2), 16);
	return out;
}

function hashHex(bytes: Uint8Array, at: number): Sha256Hex {
	let hex = '';
	for (let i = at; i < at + 32; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
	return hex;
}

export function haveAsk(id: number, file: Sha256Hex): Uint8Array {
	const { bytes } = header(Op.HaveAsk, id, 32);
	bytes.set(hashBytes(file), 5);
	return bytes;
}

/** `have`: the chunk indices present, each below `count`. */
export function haveList(id: number, count: number, have: Iterable<number>): Uint8Array {
	if (!Number.isInteger(count) || count < 0 || count > MAX_HAVE_COUNT) throw new RangeError(`a have-list holds 0..${MAX_HAVE_COUNT} chunks`);
	const { bytes, view } = header(Op.Have, id, 4 + Math.ceil(count / 8));
	view.setUint32(5, count);
	for (const index of have) {
		if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`chunk ${index} is outside 0..${count - 1}`);
		bytes[9 + (index >> 3)]! |= 1 << (index & 7);
	}
	return bytes;
}

export function chunkAsk(id: number, file: Sha256Hex, index: number): Uint8Array {
	const { bytes, view } = header(Op.ChunkAsk, id, 36);
	bytes.set(hashBytes(file), 5);
	view.setUint32(37, index);
	return bytes;
}

/** A chunk as DATA frames of at most MAX_FRAME bytes each (one empty frame for an empty chunk). */
export function* dataFrames(id: number, chunk: Uint8Array): Generator<Uint8Array> {
	let offset = 0;
	do {
		const part = chunk.subarray(offset, offset + MAX_DATA);
		const { bytes, view } = header(Op.Data, id, 8 + part.byteLength);
		view.setUint32(5, offset);
		view.setUint32(9, chunk.byteLength);
		bytes.set(part, DATA_HEADER);
		yield bytes;
		offset += part.byteLength;
	} while (offset < chunk.byteLength);
}

export function errorFrame(id: number, code: ErrorCode, message: string): Uint8Array {
	const words = text.encode(message.slice(0, MAX_MESSAGE));
	const { bytes } = header(Op.Error, id, 1 + words.byteLength);
	bytes[5] = CODES.indexOf(code);
	bytes.set(words, 6);
	return bytes;
}

export function cancelFrame(id: number): Uint8Array {
	return header(Op.Cancel, id, 0).bytes;
}

/** One received message as a frame, or null when it is not a well-formed frame of this protocol. */
export function decode(message: ArrayBuffer | Uint8Array): Frame | null {
	const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
	if (bytes.byteLength < 5 || bytes.byteLength > MAX_FRAME) return null;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const id = view.getUint32(1);
	switch (bytes[0]) {
		case Op.HaveAsk:
			return bytes.byteLength === 37 ? { op: Op.HaveAsk, id, file: hashHex(bytes, 5) } : null;
		case Op.Have: {
			if (bytes.byteLength < 9) return null;
			const count = view.getUint32(5);
			if (count > MAX_HAVE_COUNT || bytes.byteLength !== 9 + Math.ceil(count / 8)) return null;
			const have: number[] = [];
			for (let i = 0; i < count; i++) if (bytes[9 + (i >> 3)]! & (1 << (i & 7))) have.push(i);
			return { op: Op.Have, id, count, have };
		}
		case Op.ChunkAsk:
			return bytes.byteLength === 41 ? { op: Op.ChunkAsk, id, file: hashHex(bytes, 5), index: view.getUint32(37) } : null;
		case Op.Data: {
			if (bytes.byteLength < DATA_HEADER) return null;
			const offset = view.getUint32(5);
			const total = view.getUint32(9);
			const part = bytes.subarray(DATA_HEADER);
			if (offset + part.byteLength > total) return null;
			return { op: Op.Data, id, offset, total, bytes: part };
		}
		case Op.Error: {
			const code = CODES[bytes[5] ?? 255];
			return code && bytes.byteLength <= 6 + MAX_MESSAGE * 3 ? { op: Op.Error, id, code, message: untext.decode(bytes.subarray(6)) } : null;
		}
		case Op.Cancel:
			return bytes.byteLength === 5 ? { op: Op.Cancel, id } : null;
		default:
			return null;
	}
}
