// Reads no UI state. Operations and selectors on a whiteboard document. Operations mutate the draft that
// handle.change() passes in; every edit returns the patch that undoes it, for the person's own undo history.
import type { UserId } from '../model/ids';
import { WHITEBOARD_SCHEMA, type BoardElement, type ElementPatch, type NewElement, type WhiteboardDoc } from './schema';

export class BoardError extends Error {}

export function newWhiteboard(init: { conversationId: string; title: string; createdBy: UserId; createdAt: number }): WhiteboardDoc {
	return { schema: WHITEBOARD_SCHEMA, type: 'whiteboard', ...init, title: init.title.trim() || 'Whiteboard', elements: {} };
}

/** An undoable edit of one element: applying `before` undoes it, `after` redoes it. */
export interface Edit {
	id: string;
	before: ElementPatch;
	after: ElementPatch;
}

/** The fields every new element starts with: untransformed, at (x, y), drawn by `author` at `at`. */
export function elementBase(init: { id: string; author: UserId; at: number; x: number; y: number; color: string; width: number }) {
	return { ...init, rotation: 0, scaleX: 1, scaleY: 1 };
}

/** Places a new element on top of everything this device knows of. */
export function addElement(doc: WhiteboardDoc, element: NewElement): Edit {
	if (element.id in doc.elements) throw new BoardError(`An element ${element.id} already exists.`);
	const z = topZ(doc) + 1;
	doc.elements[element.id] = { ...element, z, deleted: false } as BoardElement;
	return { id: element.id, before: { deleted: true }, after: { deleted: false } };
}

/** Changes some fields of an element (move, resize, restyle, delete); unchanged fields stay out of the edit. */
export function updateElement(doc: WhiteboardDoc, id: string, patch: ElementPatch): Edit | null {
	const element = doc.elements[id];
	if (!element) return null;
	const before: Record<string, unknown> = {};
	const after: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(patch)) {
		const current = (element as unknown as Record<string, unknown>)[key];
		if (value === undefined || current === value) continue;
		before[key] = current;
		after[key] = value;
	}
	if (Object.keys(after).length === 0) return null;
	applyPatch(doc, id, after);
	return { id, before: before as ElementPatch, after: after as ElementPatch };
}

export const deleteElement = (doc: WhiteboardDoc, id: string) => updateElement(doc, id, { deleted: true });

/** Applies one side of an edit (undo or redo). Elements are never removed, so this always finds its element. */
export function applyPatch(doc: WhiteboardDoc, id: string, patch: ElementPatch): void {
	const element = doc.elements[id] as unknown as Record<string, unknown> | undefined;
	if (!element) return;
	for (const [key, value] of Object.entries(patch)) if (value !== undefined) element[key] = value;
}

/** Visible elements bottom to top. */
export function visibleElements(doc: WhiteboardDoc): BoardElement[] {
	return Object.values(doc.elements)
		.filter((e) => !e.deleted)
		.sort((a, b) => a.z - b.z || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function topZ(doc: WhiteboardDoc): number {
	let top = 0;
	for (const e of Object.values(doc.elements)) if (e.z > top) top = e.z;
	return top;
}

export function isWhiteboardDoc(doc: unknown): doc is WhiteboardDoc {
	if (typeof doc !== 'object' || doc === null) return false;
	const d = doc as Partial<WhiteboardDoc>;
	return d.type === 'whiteboard' && typeof d.schema === 'number' && d.schema <= WHITEBOARD_SCHEMA && typeof d.elements === 'object';
}
