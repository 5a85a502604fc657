import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, HEADER_BYTES } from './log-record.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('log records', () => {
	it('read back what was written, one after another', () => {
		const log = Buffer.concat([encodeRecord('3xGhK9', bytes(1, 2, 3)), encodeRecord('Zq8Pw2', bytes(9))]);
		const first = decodeRecord(log, 0);
		expect(first).toMatchObject({ kind: 'record', documentId: '3xGhK9', payloadLength: 3 });
		if (first.kind !== 'record') return;
		expect([...log.subarray(first.payloadStart, first.payloadStart + first.payloadLength)]).toEqual([1, 2, 3]);
		const second = decodeRecord(log, first.next);
		expect(second).toMatchObject({ kind: 'record', documentId: 'Zq8Pw2', payloadLength: 1, next: log.length });
	});

	it('say how much is missing when the bytes end inside a record', () => {
		const record = encodeRecord('3xGhK9', new Uint8Array(100));
		expect(decodeRecord(record.subarray(0, 5), 0)).toEqual({ kind: 'short', length: HEADER_BYTES });
		expect(decodeRecord(record.subarray(0, 50), 0)).toEqual({ kind: 'short', length: record.length });
	});

	it('refuse a record with a flipped byte, zeros, or impossible lengths', () => {
		const record = encodeRecord('3xGhK9', new Uint8Array(100).fill(7));
		for (const at of [4, 8, 12, 14, HEADER_BYTES + 6 + 50, record.length - 1]) {
			const damaged = Buffer.from(record);
			damaged[at]! ^= 0x10;
			expect(decodeRecord(damaged, 0).kind, `byte ${at}`).not.toBe('record');
		}
		expect(decodeRecord(Buffer.alloc(64), 0)).toEqual({ kind: 'bad', reason: 'no record starts here' });
		const huge = Buffer.from(record);
		huge.writeUInt32LE(0xffffffff, 8);
		expect(decodeRecord(huge, 0)).toEqual({ kind: 'bad', reason: 'impossible lengths' });
	});

	it('refuse document ids the log cannot hold', () => {
		expect(() => encodeRecord('', bytes(1))).toThrow(/cannot be logged/);
		expect(() => encodeRecord('x'.repeat(201), bytes(1))).toThrow(/cannot be logged/);
	});
});
