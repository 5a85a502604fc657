// Reads no UI state. The picture viewer's zoom: screen = picture × scale + (x, y) inside the viewer's box. It opens
// fitted; zoom keeps the point under the fingers or the cursor where it is, from fitted up to twice the picture's own
// pixels; a picture larger than the box always covers it while panning, a smaller one stays centred.
import type { Size } from './thumbnail-size';

export interface View {
	scale: number;
	x: number;
	y: number;
}

export interface Point {
	x: number;
	y: number;
}

/** Twice the picture's own pixels: enough to read a display's small print in a 12-megapixel photo. */
export const MAX_SCALE = 2;

/** The whole picture in the box, centred; never enlarged past its own pixels. */
export function fitView(picture: Size, box: Size): View {
	const scale = Math.min(1, box.width / picture.width, box.height / picture.height);
	return centred(picture, box, scale);
}

const centred = (picture: Size, box: Size, scale: number): View => ({ scale, x: (box.width - picture.width * scale) / 2, y: (box.height - picture.height * scale) / 2 });

const limits = (picture: Size, box: Size) => {
	const min = fitView(picture, box).scale;
	return { min, max: Math.max(min, MAX_SCALE) };
};

/** Zoomed by `factor` about `at` (a point in the box), within the limits. */
export function zoomView(view: View, picture: Size, box: Size, at: Point, factor: number): View {
	const { min, max } = limits(picture, box);
	const scale = Math.min(max, Math.max(min, view.scale * factor));
	const k = scale / view.scale;
	return clampView({ scale, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k }, picture, box);
}

export function panView(view: View, picture: Size, box: Size, dx: number, dy: number): View {
	return clampView({ ...view, x: view.x + dx, y: view.y + dy }, picture, box);
}

/** Two fingers moved from `before` to `after` (centre and distance): pan with the centre, zoom with the spread. */
export function pinchView(view: View, picture: Size, box: Size, before: { center: Point; distance: number }, after: { center: Point; distance: number }): View {
	const moved = { ...view, x: view.x + after.center.x - before.center.x, y: view.y + after.center.y - before.center.y };
	return zoomView(moved, picture, box, after.center, after.distance / before.distance);
}

/** Keeps the picture covering the box on each axis where it is larger, centred where it is smaller. */
export function clampView(view: View, picture: Size, box: Size): View {
	const axis = (offset: number, size: number, room: number) => (size <= room ? (room - size) / 2 : Math.min(0, Math.max(room - size, offset)));
	return { scale: view.scale, x: axis(view.x, picture.width * view.scale, box.width), y: axis(view.y, picture.height * view.scale, box.height) };
}

/** Whether the view is zoomed in beyond fitting (then one finger or the mouse pans). */
export const isZoomed = (view: View, picture: Size, box: Size) => view.scale > fitView(picture, box).scale + 1e-6;
