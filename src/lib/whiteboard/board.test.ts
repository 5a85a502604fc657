// The whiteboard model on real Automerge documents: add, move, delete, own undo/redo, and concurrent edits merged.
import { describe, expect, it } from 'vitest';
import { next as A } from '@automerge/automerge';
import { asUserId } from '$lib/model/ids';
import { addElement, applyPatch, deleteElement, newWhiteboard, updateElement, visibleElements } from './board';
import { elementAt } from './geometry';
import { EditHistory } from './history';
import { decodePoints, encodePoints } from './points';
import type { BoardElement, WhiteboardDoc } from './schema';

const petr = asUserId('petr');
const anna = asUserId('anna');

function board(): A.Doc<WhiteboardDoc> {
	const init = newWhiteboard({ conversationId: 'conv', title: 'Spindle', createdBy: petr, createdAt: 0 });
	return A.from(init as unknown as Record<string, unknown>) as unknown as A.Doc<WhiteboardDoc>;
}

function stroke(id: string, author = petr, points = [{ x: 0, y: 0, pressure: 0.5 }, { x: 100, y: 0, pressure: 0.5 }]) {
	return { id, kind: 'pen' as const, author, at: 1, x: 10, y: 10, rotation: 0, scaleX: 1, scaleY: 1, color: '#d62828', width: 4, points: encodePoints(points) };
}

const ids = (doc: WhiteboardDoc) => visibleElements(doc).map((e) => e.id);

describe('whiteboard model', () => {
	it('packs a stroke into 5 bytes per point and gets the points back to a quarter unit', () => {
		const points = [
			{ x: 0, y: 0, pressure: 0.5 },
			{ x: 12.3, y: -40.6, pressure: 1 },
			{ x: 800.12, y: 600.9, pressure: 0.1 }
		];
		const bytes = encodePoints(points);
		expect(bytes.byteLength).toBe(15);
		decodePoints(bytes).forEach((p, i) => {
			expect(Math.abs(p.x - points[i]!.x)).toBeLessThanOrEqual(0.125);
			expect(Math.abs(p.y - points[i]!.y)).toBeLessThanOrEqual(0.125);
			expect(Math.abs(p.pressure - points[i]!.pressure)).toBeLessThan(0.003);
		});
	});

	it('adds on top, moves, deletes, and finds the topmost element under a point', () => {
		let doc = board();
		doc = A.change(doc, (d) => void addElement(d, stroke('a')));
		doc = A.change(doc, (d) => void addElement(d, { ...stroke('b'), y: 12 }));
		expect(ids(doc)).toEqual(['a', 'b']);
		expect(elementAt(visibleElements(doc), 50, 11, 2)?.id).toBe('b');
		doc = A.change(doc, (d) => void updateElement(d, 'b', { x: 300, y: 300 }));
		expect(elementAt(visibleElements(doc), 50, 11, 2)?.id).toBe('a');
		expect(elementAt(visibleElements(doc), 350, 300, 2)?.id).toBe('b');
		doc = A.change(doc, (d) => void deleteElement(d, 'a'));
		expect(ids(doc)).toEqual(['b']);
		expect(() => A.change(doc, (d) => void addElement(d, stroke('b')))).toThrow(/already exists/);
	});

	it("undoes and redoes only the person's own actions, and a new action clears redo", () => {
		let doc = board();
		const mine = new EditHistory();
		doc = A.change(doc, (d) => mine.record([addElement(d, stroke('mine'))]));
		doc = A.change(doc, (d) => void addElement(d, stroke('theirs', anna)));
		doc = A.change(doc, (d) => mine.record([updateElement(d, 'mine', { color: '#1d3557', width: 8 })]));

		const undo = () => (doc = A.change(doc, (d) => mine.undo().forEach((s) => applyPatch(d, s.id, s.patch))));
		const redo = () => (doc = A.change(doc, (d) => mine.redo().forEach((s) => applyPatch(d, s.id, s.patch))));
		undo();
		expect(doc.elements.mine).toMatchObject({ color: '#d62828', width: 4, deleted: false });
		undo();
		expect(ids(doc)).toEqual(['theirs']);
		expect(mine.canUndo).toBe(false);
		redo();
		expect(ids(doc)).toEqual(['mine', 'theirs']);
		doc = A.change(doc, (d) => mine.record([deleteElement(d, 'mine')]));
		expect(mine.canRedo).toBe(false);
		expect(ids(doc)).toEqual(['theirs']);
	});

	it('merges what two people drew and changed while apart, losing nothing', () => {
		const base = A.change(board(), (d) => void addElement(d, stroke('shared')));
		let petrs = A.clone(base, { actor: '0a'.repeat(16) });
		let annas = A.clone(base, { actor: '0b'.repeat(16) });
		petrs = A.change(petrs, (d) => {
			addElement(d, stroke('p1'));
			updateElement(d, 'shared', { x: 500 });
		});
		annas = A.change(annas, (d) => {
			addElement(d, stroke('a1', anna));
			addElement(d, stroke('a2', anna));
			updateElement(d, 'shared', { color: '#2a9d8f' });
		});
		const merged = A.merge(A.clone(petrs), annas);
		const other = A.merge(A.clone(annas), petrs);
		expect(ids(merged).sort()).toEqual(['a1', 'a2', 'p1', 'shared']);
		expect(ids(merged)).toEqual(ids(other)); // the same order on both devices
		const shared = merged.elements.shared as BoardElement;
		expect(shared).toMatchObject({ x: 500, color: '#2a9d8f' });
	});

	it('a concurrent move and delete resolve to deleted on both devices', () => {
		const base = A.change(board(), (d) => void addElement(d, stroke('s')));
		const moved = A.change(A.clone(base, { actor: '0c'.repeat(16) }), (d) => void updateElement(d, 's', { x: 99 }));
		const deleted = A.change(A.clone(base, { actor: '0d'.repeat(16) }), (d) => void deleteElement(d, 's'));
		expect(ids(A.merge(A.clone(moved), deleted))).toEqual([]);
		expect(ids(A.merge(A.clone(deleted), moved))).toEqual([]);
	});
});
