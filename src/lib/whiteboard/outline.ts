// Reads no UI state. A freehand stroke's filled outline (perfect-freehand: pressure-sensitive, smoothed), as points,
// so the canvas renderer (Path2D) and the SVG renderer (the service report, also on the relay) draw the same shape.
import { getStroke } from 'perfect-freehand';
import type { StrokePoint } from './points';
import type { FreehandKind } from './schema';

export function freehandOutlinePoints(points: readonly StrokePoint[], kind: FreehandKind, width: number): number[][] {
	const highlighter = kind === 'highlighter';
	return getStroke(
		points.map((p) => [p.x, p.y, p.pressure]),
		{ size: width, thinning: highlighter ? 0 : 0.6, smoothing: 0.5, streamline: 0.4, simulatePressure: false, last: true }
	);
}

/** The highlighter's see-through ink. */
export const HIGHLIGHTER_ALPHA = 0.35;

/** Arrow head strokes from the tip (dx, dy): the two end points, for the canvas and the SVG alike. */
export function arrowHeadEnds(dx: number, dy: number, width: number): [number, number][] {
	const angle = Math.atan2(dy, dx);
	const size = Math.max(12, width * 4);
	return [-1, 1].map((side) => [dx - size * Math.cos(angle + (side * Math.PI) / 7), dy - size * Math.sin(angle + (side * Math.PI) / 7)]);
}
