// Reads no UI state. Where elements are on the board: bounds for culling and thumbnails, and which element lies
// under a point, for the eraser and selection (done here on the model rather than on a hit canvas: 5,000 strokes
// would make Konva's hit graph the slowest part of every frame).
import { decodePoints } from './points';
import type { BoardElement } from './schema';

export interface Box {
	x: number;
	y: number;
	w: number;
	h: number;
}

/** The element's box in its own coordinates (before position, rotation and scale). */
export function localBox(e: BoardElement): Box {
	switch (e.kind) {
		case 'pen':
		case 'highlighter': {
			const pts = decodePoints(e.points);
			if (pts.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
			const xs = pts.map((p) => p.x);
			const ys = pts.map((p) => p.y);
			const pad = e.width / 2;
			const x = Math.min(...xs) - pad;
			const y = Math.min(...ys) - pad;
			return { x, y, w: Math.max(...xs) + pad - x, h: Math.max(...ys) + pad - y };
		}
		case 'line':
		case 'arrow': {
			const pad = e.width * 2;
			return { x: Math.min(0, e.dx) - pad, y: Math.min(0, e.dy) - pad, w: Math.abs(e.dx) + 2 * pad, h: Math.abs(e.dy) + 2 * pad };
		}
		case 'rect':
		case 'ellipse':
		case 'image':
			return { x: Math.min(0, e.w), y: Math.min(0, e.h), w: Math.abs(e.w), h: Math.abs(e.h) };
		case 'text': {
			const lines = e.text.split('\n');
			return { x: 0, y: 0, w: Math.max(...lines.map((l) => l.length)) * e.fontSize * 0.6, h: lines.length * e.fontSize * 1.2 };
		}
	}
}

/** The board-coordinate box around the element as drawn (rotation and scale included). */
export function boardBox(e: BoardElement): Box {
	const b = localBox(e);
	const corners = [
		[b.x, b.y],
		[b.x + b.w, b.y],
		[b.x, b.y + b.h],
		[b.x + b.w, b.y + b.h]
	].map(([x, y]) => toBoard(e, x!, y!));
	const xs = corners.map((c) => c.x);
	const ys = corners.map((c) => c.y);
	const x = Math.min(...xs);
	const y = Math.min(...ys);
	return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

export function toBoard(e: BoardElement, x: number, y: number) {
	const sx = x * e.scaleX;
	const sy = y * e.scaleY;
	const r = (e.rotation * Math.PI) / 180;
	return { x: e.x + sx * Math.cos(r) - sy * Math.sin(r), y: e.y + sx * Math.sin(r) + sy * Math.cos(r) };
}

export function toLocal(e: BoardElement, x: number, y: number) {
	const r = (-e.rotation * Math.PI) / 180;
	const dx = x - e.x;
	const dy = y - e.y;
	return { x: (dx * Math.cos(r) - dy * Math.sin(r)) / (e.scaleX || 1), y: (dx * Math.sin(r) + dy * Math.cos(r)) / (e.scaleY || 1) };
}

/** Whether a board point is on the element, within `tolerance` board units. */
export function hits(e: BoardElement, x: number, y: number, tolerance: number): boolean {
	const p = toLocal(e, x, y);
	const scale = Math.max(Math.abs(e.scaleX), Math.abs(e.scaleY)) || 1;
	const t = tolerance / scale;
	switch (e.kind) {
		case 'pen':
		case 'highlighter': {
			const pts = decodePoints(e.points);
			const reach = e.width / 2 + t;
			if (pts.length === 1) return Math.hypot(p.x - pts[0]!.x, p.y - pts[0]!.y) <= reach;
			for (let i = 1; i < pts.length; i++) if (segmentDistance(p, pts[i - 1]!, pts[i]!) <= reach) return true;
			return false;
		}
		case 'line':
		case 'arrow':
			return segmentDistance(p, { x: 0, y: 0 }, { x: e.dx, y: e.dy }) <= e.width / 2 + t;
		default: {
			const b = localBox(e);
			return p.x >= b.x - t && p.x <= b.x + b.w + t && p.y >= b.y - t && p.y <= b.y + b.h + t;
		}
	}
}

/** The topmost element under a point. `elements` bottom to top, as visibleElements() gives them. */
export function elementAt(elements: readonly BoardElement[], x: number, y: number, tolerance: number): BoardElement | undefined {
	for (let i = elements.length - 1; i >= 0; i--) if (hits(elements[i]!, x, y, tolerance)) return elements[i];
	return undefined;
}

function segmentDistance(p: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number {
	const dx = b.x - a.x;
	const dy = b.y - a.y;
	const length2 = dx * dx + dy * dy;
	const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
	return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
