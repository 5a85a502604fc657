// Reads no UI state. Types only: a whiteboard as it is stored in Automerge, one document per board, naming its
// conversation. Elements are a map keyed by id (concurrent additions merge), ordered by z then id, and never removed:
// `deleted` hides them, so a move on one device and a delete on another resolve to deleted, and undo can restore.
import type { UserId } from '../model/ids';

export const WHITEBOARD_SCHEMA = 1;

export type FreehandKind = 'pen' | 'highlighter';
export type ElementKind = FreehandKind | 'line' | 'arrow' | 'rect' | 'ellipse' | 'text' | 'image';

interface ElementBase {
	id: string;
	kind: ElementKind;
	/** Stacking order: larger is on top; equal z is ordered by id, the same on every device. */
	z: number;
	author: UserId;
	at: number;
	/** Position of the element's origin on the board, and its transform around that origin. */
	x: number;
	y: number;
	rotation: number;
	scaleX: number;
	scaleY: number;
	/** CSS colour, e.g. "#d62828". */
	color: string;
	/** Stroke width in board units. */
	width: number;
	deleted: boolean;
}

export type FreehandElement = ElementBase & {
	kind: FreehandKind;
	/** (x, y, pressure) per point, relative to the origin, packed by points.ts: one value, not one object per point. */
	points: Uint8Array;
};
/** From the origin to (dx, dy). */
export type LineElement = ElementBase & { kind: 'line' | 'arrow'; dx: number; dy: number };
/** The origin is the top-left corner. */
export type BoxElement = ElementBase & { kind: 'rect' | 'ellipse'; w: number; h: number };
export type TextElement = ElementBase & { kind: 'text'; text: string; fontSize: number };

/**
 * A photo or a frozen video frame to draw on, downscaled and compressed (image-input.ts) so the board stays one
 * document that works offline; the origin is its top-left corner.
 */
export type ImageElement = ElementBase & { kind: 'image'; w: number; h: number; mime: ImageMime; bytes: Uint8Array };
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp';

export type BoardElement = FreehandElement | LineElement | BoxElement | TextElement | ImageElement;

/** An element as its author creates it: the board gives it its z and it is not deleted. */
export type NewElement = BoardElement extends infer E ? (E extends BoardElement ? Omit<E, 'z' | 'deleted'> : never) : never;

/** The fields an edit may change (never id, kind, author). */
export type ElementPatch = Partial<Omit<ElementBase, 'id' | 'kind' | 'author'>> &
	Partial<Pick<LineElement, 'dx' | 'dy'>> &
	Partial<Pick<BoxElement, 'w' | 'h'>> &
	Partial<Pick<TextElement, 'text' | 'fontSize'>>;

export interface WhiteboardDoc {
	schema: typeof WHITEBOARD_SCHEMA;
	type: 'whiteboard';
	/** The conversation's document id: the relay lets its members, and only them, read this board. */
	conversationId: string;
	title: string;
	createdBy: UserId;
	createdAt: number;
	elements: Record<string, BoardElement>;
}
