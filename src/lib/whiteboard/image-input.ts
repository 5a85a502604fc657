// A photo from the tablet's camera, an image file, or a frozen video frame, made ready for a board: at most 1600
// pixels on its longer side and JPEG-compressed (a 12-megapixel photo becomes ~200 KB), so it syncs quickly over a
// plant's network and the board stays one document that works offline.
import type { ImageMime } from './schema';

export const MAX_IMAGE_EDGE = 1600;
/** A picture still larger than this after compression is refused rather than slowing every member's sync. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export interface PreparedImage {
	bytes: Uint8Array;
	mime: ImageMime;
	width: number;
	height: number;
}

export class ImageInputError extends Error {}

export async function prepareImage(source: Blob): Promise<PreparedImage> {
	if (!source.type.startsWith('image/')) throw new ImageInputError('This file is not a picture.');
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(source);
	} catch {
		throw new ImageInputError('This picture cannot be read (damaged, or a format this browser does not know).');
	}
	const scale = Math.min(1, MAX_IMAGE_EDGE / Math.max(bitmap.width, bitmap.height));
	const width = Math.max(1, Math.round(bitmap.width * scale));
	const height = Math.max(1, Math.round(bitmap.height * scale));
	const canvas = Object.assign(document.createElement('canvas'), { width, height });
	canvas.getContext('2d')!.drawImage(bitmap, 0, 0, width, height);
	bitmap.close();
	const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
	if (!blob) throw new ImageInputError('The picture could not be compressed.');
	if (blob.size > MAX_IMAGE_BYTES) throw new ImageInputError('The picture is too large even after compression.');
	return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: 'image/jpeg', width, height };
}
