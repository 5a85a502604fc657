import { describe, expect, it } from 'vitest';
import { clampView, fitView, isZoomed, MAX_SCALE, panView, pinchView, zoomView } from './photo-zoom';

const photo = { width: 4000, height: 3000 };
const box = { width: 800, height: 800 };

describe('the picture viewer’s zoom', () => {
	it('opens with the whole picture fitted and centred, and never enlarges a small one', () => {
		expect(fitView(photo, box)).toEqual({ scale: 0.2, x: 0, y: 100 });
		expect(fitView({ width: 200, height: 100 }, box)).toEqual({ scale: 1, x: 300, y: 350 });
	});

	it('zooms about the point under the fingers or the cursor, which stays where it is', () => {
		const fitted = fitView(photo, box);
		const at = { x: 600, y: 300 };
		const zoomed = zoomView(fitted, photo, box, at, 2);
		expect(zoomed.scale).toBeCloseTo(0.4);
		// The picture point under `at` before and after is the same.
		const before = { x: (at.x - fitted.x) / fitted.scale, y: (at.y - fitted.y) / fitted.scale };
		const after = { x: (at.x - zoomed.x) / zoomed.scale, y: (at.y - zoomed.y) / zoomed.scale };
		expect(after.x).toBeCloseTo(before.x);
		expect(after.y).toBeCloseTo(before.y);
		expect(isZoomed(zoomed, photo, box)).toBe(true);
		expect(isZoomed(fitted, photo, box)).toBe(false);
	});

	it('stays between fitted and twice the picture’s pixels', () => {
		const fitted = fitView(photo, box);
		expect(zoomView(fitted, photo, box, { x: 400, y: 400 }, 0.1)).toEqual(fitted);
		expect(zoomView(fitted, photo, box, { x: 400, y: 400 }, 1000).scale).toBe(MAX_SCALE);
	});

	it('pans a zoomed picture but never past its edges, and keeps a smaller axis centred', () => {
		const zoomed = zoomView(fitView(photo, box), photo, box, { x: 0, y: 0 }, 5); // scale 1: 4000 × 3000 in 800 × 800
		expect(panView(zoomed, photo, box, 10_000, 10_000)).toMatchObject({ x: 0, y: 0 });
		expect(panView(zoomed, photo, box, -10_000, -10_000)).toMatchObject({ x: 800 - 4000, y: 800 - 3000 });
		expect(clampView({ scale: 0.2, x: -50, y: 0 }, photo, box)).toEqual({ scale: 0.2, x: 0, y: 100 });
	});

	it('follows two fingers: spreading them zooms, moving them together pans', () => {
		const fitted = fitView(photo, box);
		const spread = pinchView(fitted, photo, box, { center: { x: 400, y: 400 }, distance: 100 }, { center: { x: 400, y: 400 }, distance: 300 });
		expect(spread.scale).toBeCloseTo(0.6);
		const moved = pinchView(spread, photo, box, { center: { x: 400, y: 400 }, distance: 300 }, { center: { x: 350, y: 380 }, distance: 300 });
		expect(moved.scale).toBeCloseTo(0.6);
		expect(moved.x - spread.x).toBeCloseTo(-50);
		expect(moved.y - spread.y).toBeCloseTo(-20);
	});
});
