// Makes a picture's thumbnail on this device, before the picture is shared: decoded small (a JPEG at an eighth of its
// size through WebCodecs' ImageDecoder where the browser has it, else createImageBitmap), turned as its EXIF
// orientation says, drawn at 320 pixels and encoded as WebP (JPEG where the browser cannot encode WebP: Safari).
import type { Thumbnail, ThumbnailType } from '$lib/model/conversation-schema';
import { jpegSize } from './jpeg-size';
import { decodeSize, fitWithin, MAX_THUMBNAIL_BYTES, shownSize, THUMBNAIL_STEPS, type Size } from './thumbnail-size';

export interface PictureMedia {
	thumbnail: Thumbnail;
	/** The whole picture's size as it is shown. */
	pixels: Size;
}

/** Enough of a file to find a JPEG's frame header behind the largest EXIF block (64 KiB) and then some. */
const HEAD_BYTES = 256 * 1024;

interface Decoded {
	image: CanvasImageSource;
	/** The whole picture's size as shown. */
	pixels: Size;
	close(): void;
}

export async function makeThumbnail(picture: Blob): Promise<PictureMedia> {
	const decoded = await decodeSmall(picture, THUMBNAIL_STEPS[0]!.edge);
	try {
		for (const { edge, quality } of THUMBNAIL_STEPS) {
			const size = fitWithin(decoded.pixels, edge);
			const encoded = await encode(decoded.image, size, quality);
			if (encoded.size <= MAX_THUMBNAIL_BYTES) {
				const thumbnail = { type: encoded.type as ThumbnailType, width: size.width, height: size.height, bytes: new Uint8Array(await encoded.arrayBuffer()) };
				return { thumbnail, pixels: decoded.pixels };
			}
		}
		throw new Error('The picture does not make a small enough thumbnail.');
	} finally {
		decoded.close();
	}
}

async function decodeSmall(picture: Blob, edge: number): Promise<Decoded> {
	const coded = jpegSize(new Uint8Array(await picture.slice(0, HEAD_BYTES).arrayBuffer()));
	if (coded && typeof ImageDecoder !== 'undefined') {
		const decoder = new ImageDecoder({ data: picture.stream(), type: 'image/jpeg', ...desired(decodeSize(coded, edge)) });
		try {
			const { image } = await decoder.decode();
			return { image, pixels: shownSize(coded, image), close: () => image.close() };
		} catch {
			// Fall through to the decoder every browser has.
		} finally {
			decoder.close();
		}
	}
	const bitmap = await createImageBitmap(picture, { imageOrientation: 'from-image' });
	return { image: bitmap, pixels: { width: bitmap.width, height: bitmap.height }, close: () => bitmap.close() };
}

const desired = (size: Size) => ({ desiredWidth: size.width, desiredHeight: size.height });

async function encode(image: CanvasImageSource, size: Size, quality: number): Promise<Blob> {
	const webp = await draw(image, size, 'image/webp', quality);
	// A browser that cannot encode WebP hands back a PNG instead.
	return webp.type === 'image/webp' ? webp : draw(image, size, 'image/jpeg', quality);
}

async function draw(image: CanvasImageSource, { width, height }: Size, type: ThumbnailType, quality: number): Promise<Blob> {
	if (typeof OffscreenCanvas !== 'undefined') {
		const canvas = new OffscreenCanvas(width, height);
		paint(canvas.getContext('2d'), image, width, height, type);
		return canvas.convertToBlob({ type, quality });
	}
	const canvas = Object.assign(document.createElement('canvas'), { width, height });
	paint(canvas.getContext('2d'), image, width, height, type);
	return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The thumbnail could not be encoded.'))), type, quality));
}

function paint(context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null, image: CanvasImageSource, width: number, height: number, type: ThumbnailType) {
	if (!context) throw new Error('This browser cannot draw the thumbnail.');
	// JPEG has no transparency: a screenshot's transparent parts become white rather than black.
	if (type === 'image/jpeg') {
		context.fillStyle = '#ffffff';
		context.fillRect(0, 0, width, height);
	}
	context.imageSmoothingQuality = 'high';
	context.drawImage(image, 0, 0, width, height);
}
