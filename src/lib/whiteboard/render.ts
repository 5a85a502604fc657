// Draws board elements on a 2D canvas: the Konva view's static layer and the Details thumbnails use the same code.
// Freehand outlines come from perfect-freehand (pressure-sensitive, smoothed) and are cached as Path2D per stroke,
// since a stroke's points never change after it is drawn (moves and resizes are transforms).
import { decodePoints, type StrokePoint } from './points';
import { boardBox } from './geometry';
import type { BoardElement, FreehandElement, ImageElement } from './schema';
import { fitTo, unionBox } from './viewport';
import { arrowHeadEnds, freehandOutlinePoints, HIGHLIGHTER_ALPHA } from './outline';

const outlines = new Map<string, Path2D>();
/** Decoded images by element id; decoding is asynchronous, so a board redraws when one is ready. */
const bitmaps = new Map<string, ImageBitmap | 'decoding' | 'broken'>();
const imageListeners = new Set<() => void>();

/** Calls `listener` whenever an image has been decoded and the board should be drawn again; returns the unsubscribe. */
export function onImageDecoded(listener: () => void): () => void {
	imageListeners.add(listener);
	return () => imageListeners.delete(listener);
}

/** Resolves once every picture among `elements` is decoded (or found broken), e.g. before exporting a board. */
export async function imagesDecoded(elements: readonly BoardElement[]): Promise<void> {
	const pictures = elements.filter((e): e is ImageElement => e.kind === 'image');
	for (const e of pictures) bitmapOf(e);
	while (pictures.some((e) => bitmaps.get(e.id) === 'decoding')) await new Promise((r) => setTimeout(r, 20));
}

/** Draws the whole board into a `width` × `height` canvas (thumbnails, PNG export), scaled to fit, never enlarged. */
export function drawBoardFitted(ctx: CanvasRenderingContext2D, elements: readonly BoardElement[], width: number, height: number, margin: number) {
	const view = fitTo(unionBox(elements.map(boardBox)), width, height, margin);
	ctx.transform(view.scale, 0, 0, view.scale, view.x, view.y); // on top of the caller's transform
	for (const e of elements) drawElement(ctx, e);
}

function bitmapOf(e: ImageElement): ImageBitmap | null {
	const known = bitmaps.get(e.id);
	if (known && typeof known !== 'string') return known;
	if (!known) {
		bitmaps.set(e.id, 'decoding');
		createImageBitmap(new Blob([e.bytes as Uint8Array<ArrayBuffer>], { type: e.mime })).then(
			(bitmap) => {
				bitmaps.set(e.id, bitmap);
				for (const listener of imageListeners) listener();
			},
			() => bitmaps.set(e.id, 'broken')
		);
	}
	return null;
}

export function freehandOutline(points: readonly StrokePoint[], kind: FreehandElement['kind'], width: number): Path2D {
	const outline = freehandOutlinePoints(points, kind, width);
	const path = new Path2D();
	if (outline.length === 0) return path;
	path.moveTo(outline[0]![0]!, outline[0]![1]!);
	for (let i = 1; i < outline.length; i++) path.lineTo(outline[i]![0]!, outline[i]![1]!);
	path.closePath();
	return path;
}

function cachedOutline(e: FreehandElement): Path2D {
	const key = `${e.id}:${e.width}`;
	let path = outlines.get(key);
	if (!path) outlines.set(key, (path = freehandOutline(decodePoints(e.points), e.kind, e.width)));
	return path;
}

/** Draws one element in board coordinates (the caller sets the view transform). */
export function drawElement(ctx: CanvasRenderingContext2D, e: BoardElement): void {
	ctx.save();
	ctx.translate(e.x, e.y);
	if (e.rotation) ctx.rotate((e.rotation * Math.PI) / 180);
	if (e.scaleX !== 1 || e.scaleY !== 1) ctx.scale(e.scaleX, e.scaleY);
	ctx.strokeStyle = ctx.fillStyle = e.color;
	ctx.lineWidth = e.width;
	ctx.lineCap = ctx.lineJoin = 'round';
	switch (e.kind) {
		case 'pen':
		case 'highlighter':
			if (e.kind === 'highlighter') ctx.globalAlpha = HIGHLIGHTER_ALPHA;
			ctx.fill(cachedOutline(e));
			break;
		case 'line':
		case 'arrow':
			ctx.beginPath();
			ctx.moveTo(0, 0);
			ctx.lineTo(e.dx, e.dy);
			if (e.kind === 'arrow') arrowHead(ctx, e.dx, e.dy, e.width);
			ctx.stroke();
			break;
		case 'rect':
			ctx.strokeRect(0, 0, e.w, e.h);
			break;
		case 'ellipse':
			ctx.beginPath();
			ctx.ellipse(e.w / 2, e.h / 2, Math.abs(e.w / 2), Math.abs(e.h / 2), 0, 0, Math.PI * 2);
			ctx.stroke();
			break;
		case 'image': {
			const bitmap = bitmapOf(e);
			if (bitmap) ctx.drawImage(bitmap, 0, 0, e.w, e.h);
			else {
				// Until it is decoded (or if it cannot be): a light frame where the picture goes.
				ctx.fillStyle = '#eef2f5';
				ctx.fillRect(0, 0, e.w, e.h);
			}
			break;
		}
		case 'text':
			ctx.font = `${e.fontSize}px system-ui, sans-serif`;
			ctx.textBaseline = 'top';
			e.text.split('\n').forEach((line, i) => ctx.fillText(line, 0, i * e.fontSize * 1.2));
			break;
	}
	ctx.restore();
}

function arrowHead(ctx: CanvasRenderingContext2D, dx: number, dy: number, width: number) {
	for (const [x, y] of arrowHeadEnds(dx, dy, width)) {
		ctx.moveTo(dx, dy);
		ctx.lineTo(x, y);
	}
}
