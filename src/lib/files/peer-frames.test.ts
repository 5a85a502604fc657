import { describe, expect, it } from 'vitest';
import { chunkAsk, cancelFrame, dataFrames, decode, errorFrame, haveAsk, haveList, MAX_DATA, MAX_FRAME, Op } from './peer-frames';

const FILE = 'ab'.repeat(32);

describe('file chunk frames', () => {
	it('round-trips every kind of frame', () => {
		expect(decode(haveAsk(7, FILE))).toEqual({ op: Op.HaveAsk, id: 7, file: FILE });
		expect(decode(chunkAsk(0xffffffff, FILE, 4095))).toEqual({ op: Op.ChunkAsk, id: 0xffffffff, file: FILE, index: 4095 });
		expect(decode(haveList(3, 10, [0, 2, 9]))).toEqual({ op: Op.Have, id: 3, count: 10, have: [0, 2, 9] });
		expect(decode(errorFrame(4, 'not-shared', 'Nope: ž'))).toEqual({ op: Op.Error, id: 4, code: 'not-shared', message: 'Nope: ž' });
		expect(decode(cancelFrame(9))).toEqual({ op: Op.Cancel, id: 9 });
	});

	it('splits a 256 KiB chunk into frames of at most 64 KiB that add up to the chunk', () => {
		const chunk = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) & 0xff);
		const frames = [...dataFrames(5, chunk)];
		expect(frames.length).toBe(Math.ceil(chunk.byteLength / MAX_DATA));
		expect(frames.every((f) => f.byteLength <= MAX_FRAME)).toBe(true);
		const back = new Uint8Array(chunk.byteLength);
		for (const bytes of frames) {
			const frame = decode(bytes);
			if (frame?.op !== Op.Data) throw new Error('not a data frame');
			expect(frame.total).toBe(chunk.byteLength);
			back.set(frame.bytes, frame.offset);
		}
		expect(Buffer.from(back).equals(chunk)).toBe(true);
	});

	it('sends an empty chunk as one empty data frame', () => {
		const frames = [...dataFrames(1, new Uint8Array(0))];
		expect(frames.map(decode)).toEqual([{ op: Op.Data, id: 1, offset: 0, total: 0, bytes: new Uint8Array(0) }]);
	});

	it('refuses to address a file by anything but a hex SHA-256, and indices outside the have-list', () => {
		expect(() => haveAsk(1, 'not-a-hash')).toThrow(RangeError);
		expect(() => chunkAsk(1, FILE.toUpperCase(), 0)).toThrow(RangeError);
		expect(() => haveList(1, 4, [4])).toThrow(RangeError);
	});

	it('reads malformed or hostile input as nothing', () => {
		expect(decode(new Uint8Array(0))).toBeNull();
		expect(decode(new Uint8Array([Op.HaveAsk, 0, 0, 0, 1]))).toBeNull(); // no hash
		expect(decode(new Uint8Array([99, 0, 0, 0, 1]))).toBeNull(); // unknown type
		expect(decode(new Uint8Array(MAX_FRAME + 1).fill(Op.Cancel))).toBeNull(); // too large
		const have = haveList(1, 16, [1]);
		new DataView(have.buffer).setUint32(5, 1_000_000); // claims more chunks than it carries
		expect(decode(have)).toBeNull();
		const data = [...dataFrames(1, new Uint8Array(100))][0]!;
		new DataView(data.buffer).setUint32(9, 10); // a part longer than the chunk it belongs to
		expect(decode(data)).toBeNull();
		const error = errorFrame(1, 'busy', 'x');
		error[5] = 200; // unknown error code
		expect(decode(error)).toBeNull();
	});
});
