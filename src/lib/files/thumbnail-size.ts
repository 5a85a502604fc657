// Reads no UI state. How big a thumbnail is made, and how big a JPEG is decoded to make it: a 12-megapixel photo is
// decoded at an eighth of its size (JPEG decoders scale in the DCT for free), then drawn at 320 pixels and encoded,
// stepping down in quality and size until it fits MAX_THUMBNAIL_BYTES.
import { MAX_THUMBNAIL_BYTES, MAX_THUMBNAIL_EDGE } from '$lib/model/file-media';

export interface Size {
	width: number;
	height: number;
}

/** What to try, in order: sharp enough for a tablet's 2× screen at ~160 CSS pixels, small enough to travel. */
export const THUMBNAIL_STEPS: readonly { edge: number; quality: number }[] = [
	{ edge: 320, quality: 0.75 },
	{ edge: 320, quality: 0.6 },
	{ edge: 240, quality: 0.55 },
	{ edge: 160, quality: 0.5 },
	{ edge: 120, quality: 0.4 }
];

export { MAX_THUMBNAIL_BYTES };

/** `size` scaled to fit `edge` on its longer side, never enlarged, at least a pixel each way. */
export function fitWithin(size: Size, edge: number): Size {
	const limit = Math.min(edge, MAX_THUMBNAIL_EDGE);
	const scale = Math.min(1, limit / Math.max(size.width, size.height));
	return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

/**
 * The size to decode a `coded` JPEG at so its longer side still covers `edge`: the smallest of the scales JPEG
 * decoders support (1/2, 1/4, 1/8) that does, rounded up as decoders round.
 */
export function decodeSize(coded: Size, edge: number): Size {
	let divisor = 1;
	while (divisor < 8 && Math.max(coded.width, coded.height) / (divisor * 2) >= edge) divisor *= 2;
	return { width: Math.ceil(coded.width / divisor), height: Math.ceil(coded.height / divisor) };
}

/** A decoder that turned the picture (EXIF orientation 5-8) swaps the full picture's width and height too. */
export function shownSize(coded: Size, decoded: { codedWidth: number; codedHeight: number; displayWidth: number; displayHeight: number }): Size {
	const turned = decoded.codedWidth !== decoded.displayWidth && decoded.codedWidth === decoded.displayHeight && decoded.codedWidth !== decoded.codedHeight;
	return turned ? { width: coded.height, height: coded.width } : coded;
}
