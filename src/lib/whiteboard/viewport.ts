// Reads no UI state. The view onto the board: screen = board * scale + offset. Zoom keeps the point under the
// fingers or the mouse where it is, as people expect from maps and photos.
import type { Box } from './geometry';

export interface Viewport {
	x: number;
	y: number;
	scale: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 8;

export const identity: Viewport = { x: 0, y: 0, scale: 1 };

export function toBoardPoint(v: Viewport, screenX: number, screenY: number) {
	return { x: (screenX - v.x) / v.scale, y: (screenY - v.y) / v.scale };
}

export function zoomAt(v: Viewport, screenX: number, screenY: number, factor: number): Viewport {
	const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
	const board = toBoardPoint(v, screenX, screenY);
	return { scale, x: screenX - board.x * scale, y: screenY - board.y * scale };
}

export const panBy = (v: Viewport, dx: number, dy: number): Viewport => ({ ...v, x: v.x + dx, y: v.y + dy });

/** Shows `content` whole in a `width` × `height` screen with a margin, never zoomed in past 1:1. */
export function fitTo(content: Box | null, width: number, height: number, margin = 40): Viewport {
	if (!content || content.w <= 0 || content.h <= 0) return identity;
	const scale = Math.max(MIN_SCALE, Math.min(1, (width - 2 * margin) / content.w, (height - 2 * margin) / content.h));
	return { scale, x: (width - content.w * scale) / 2 - content.x * scale, y: (height - content.h * scale) / 2 - content.y * scale };
}

/** Two fingers on the screen: how far apart (never 0) and where between them; a pinch compares two of these. */
export function pinchOf(a: { x: number; y: number }, b: { x: number; y: number }) {
	return { distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), center: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
}

/** The board area visible on screen, for culling. */
export function visibleBoardBox(v: Viewport, width: number, height: number): Box {
	return { x: -v.x / v.scale, y: -v.y / v.scale, w: width / v.scale, h: height / v.scale };
}

export function intersects(a: Box, b: Box): boolean {
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function unionBox(boxes: Iterable<Box>): Box | null {
	let out: Box | null = null;
	for (const b of boxes) {
		if (!out) out = { ...b };
		else {
			const x = Math.min(out.x, b.x);
			const y = Math.min(out.y, b.y);
			out = { x, y, w: Math.max(out.x + out.w, b.x + b.w) - x, h: Math.max(out.y + out.h, b.y + b.h) - y };
		}
	}
	return out;
}
