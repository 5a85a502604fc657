import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { asMessageId, asUserId } from './ids';
import { decodeMark, encodeMark, isReceiptsDoc, markSeen, readMark, readMarks, seenBy, startReceipts } from './receipts';
import type { ReceiptsDoc } from './receipts-schema';

const petr = asUserId('petr');
const anna = asUserId('anna');
const tomas = asUserId('tomas');

/** A device that starts the document on its own, offline, as the app does. */
const startedHere = () => A.change(A.init<ReceiptsDoc>(), (d) => startReceipts(d, 'conv1'));

describe('receipts document', () => {
	it('starts with its type and conversation, and encodes marks as one small value each', () => {
		const doc = startedHere();
		expect(isReceiptsDoc(doc)).toBe(true);
		expect(doc).toMatchObject({ schema: 1, type: 'receipts', conversation: 'conv1' });
		const mark = { count: 12, at: 1_733_220_000_000, last: asMessageId('ab12') };
		expect(decodeMark(encodeMark(mark))).toEqual(mark);
		expect(decodeMark(encodeMark({ count: 0, at: 5, last: null }))).toEqual({ count: 0, at: 5, last: null });
		for (const bad of [undefined, 7, '', 'x:1:2', '1:2', '-1:2:a', '1:2:a b', { count: 1 }]) expect(decodeMark(bad), String(bad)).toBeNull();
	});

	it('moves a mark forward only', () => {
		let doc = startedHere();
		doc = A.change(doc, (d) => void markSeen(d, anna, { count: 5, at: 100, last: null }));
		const again = A.change(doc, (d) => void expect(markSeen(d, anna, { count: 3, at: 200, last: null })).toBe(false));
		expect(A.getHeads(again)).toEqual(A.getHeads(doc));
		doc = A.change(doc, (d) => void markSeen(d, anna, { count: 6, at: 300, last: asMessageId('m6') }));
		expect(readMark(doc, anna)).toEqual({ count: 6, at: 300, last: 'm6' });
		expect(readMark(doc, petr)).toBeNull();
	});

	it('keeps every mark when two devices start the document at the same time and mark while apart', () => {
		const tablet = A.change(startedHere(), (d) => void markSeen(d, anna, { count: 4, at: 100, last: null }));
		const phone = A.change(startedHere(), (d) => void markSeen(d, petr, { count: 7, at: 110, last: null }));
		const laptop = A.change(startedHere(), (d) => void markSeen(d, tomas, { count: 2, at: 120, last: null }));
		for (const merged of [A.merge(A.merge(A.clone(tablet), phone), laptop), A.merge(A.merge(A.clone(laptop), tablet), phone)]) {
			expect(Object.fromEntries(readMarks(merged))).toEqual({
				anna: { count: 4, at: 100, last: null },
				petr: { count: 7, at: 110, last: null },
				tomas: { count: 2, at: 120, last: null }
			});
			expect(merged).toMatchObject({ type: 'receipts', conversation: 'conv1' });
		}
	});

	it('says who has seen a message at a position, ignoring marks it cannot read', () => {
		let doc = startedHere();
		doc = A.change(doc, (d) => {
			markSeen(d, anna, { count: 3, at: 100, last: null });
			markSeen(d, tomas, { count: 1, at: 90, last: null });
			(d as unknown as Record<string, unknown>)['mark:jan'] = 'garbage';
		});
		const marks = readMarks(doc);
		expect([...marks.keys()].sort()).toEqual(['anna', 'tomas']);
		expect(seenBy(marks, 0, [anna, tomas])).toEqual([{ userId: anna, at: 100 }, { userId: tomas, at: 90 }]);
		expect(seenBy(marks, 2, [anna, tomas])).toEqual([{ userId: anna, at: 100 }]);
		expect(seenBy(marks, 3, [anna, tomas, petr])).toEqual([]);
	});
});
