// Reads no UI state. A freehand stroke's points packed into bytes, so a stroke is one Automerge value instead of an
// object per point: per point x and y as int16 in quarter units (±8191.75 around the origin) and pressure as a byte.
export interface StrokePoint {
	x: number;
	y: number;
	/** 0..1, from PointerEvent.pressure (0.5 for a mouse). */
	pressure: number;
}

const BYTES_PER_POINT = 5;
const SCALE = 4;
const LIMIT = 32767;

export function encodePoints(points: readonly StrokePoint[]): Uint8Array {
	const bytes = new Uint8Array(points.length * BYTES_PER_POINT);
	const view = new DataView(bytes.buffer);
	points.forEach((p, i) => {
		const at = i * BYTES_PER_POINT;
		view.setInt16(at, clamp(Math.round(p.x * SCALE), -LIMIT, LIMIT), true);
		view.setInt16(at + 2, clamp(Math.round(p.y * SCALE), -LIMIT, LIMIT), true);
		view.setUint8(at + 4, clamp(Math.round(p.pressure * 255), 0, 255));
	});
	return bytes;
}

export function decodePoints(bytes: Uint8Array): StrokePoint[] {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const points: StrokePoint[] = [];
	for (let at = 0; at + BYTES_PER_POINT <= bytes.byteLength; at += BYTES_PER_POINT) {
		points.push({ x: view.getInt16(at, true) / SCALE, y: view.getInt16(at + 2, true) / SCALE, pressure: view.getUint8(at + 4) / 255 });
	}
	return points;
}

/** The largest distance a point may be from its stroke's origin. */
export const MAX_STROKE_EXTENT = LIMIT / SCALE;

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
