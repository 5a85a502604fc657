// Reads no UI state. What the conversation knows about a file's picture or sound besides its bytes: the thumbnail
// that travels in the document, the picture's size, a recording's duration. Writers are checked here (attachFile);
// readers take a thumbnail only through thumbnailOf(), because a document may come from any member's device.
import type { FileMeta, Thumbnail, ThumbnailType } from './conversation-schema';

/** "≤ 30 KB each": 500 photos stay under 15 MB of document, and one fits a sync message many times over. */
export const MAX_THUMBNAIL_BYTES = 30_000;
/** Thumbnails are made at most this many pixels on their longer side. */
export const MAX_THUMBNAIL_EDGE = 480;
/** A day: a longer "recording" is a mistake, not a voice note. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export const THUMBNAIL_TYPES: readonly ThumbnailType[] = ['image/webp', 'image/jpeg'];

export class FileMediaError extends Error {}

const isEdge = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= max;

export function isThumbnail(value: unknown): value is Thumbnail {
	if (typeof value !== 'object' || value === null) return false;
	const t = value as Record<string, unknown>;
	return (
		THUMBNAIL_TYPES.includes(t.type as ThumbnailType) &&
		isEdge(t.width, MAX_THUMBNAIL_EDGE) &&
		isEdge(t.height, MAX_THUMBNAIL_EDGE) &&
		t.bytes instanceof Uint8Array &&
		t.bytes.length > 0 &&
		t.bytes.length <= MAX_THUMBNAIL_BYTES
	);
}

export const isDuration = (ms: unknown): ms is number => typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DURATION_MS;

/** Throws FileMediaError naming what is wrong with the media fields a sharer is about to record. */
export function checkFileMedia(meta: Pick<FileMeta, 'thumbnail' | 'pixels' | 'durationMs'>): void {
	if (meta.thumbnail !== undefined && !isThumbnail(meta.thumbnail))
		throw new FileMediaError(`A thumbnail must be a WebP or JPEG picture of at most ${MAX_THUMBNAIL_EDGE} pixels a side and ${MAX_THUMBNAIL_BYTES} bytes.`);
	const pixels = meta.pixels;
	if (pixels !== undefined && !(isEdge(pixels.width, Number.MAX_SAFE_INTEGER) && isEdge(pixels.height, Number.MAX_SAFE_INTEGER)))
		throw new FileMediaError('A picture’s size must be whole pixels.');
	if (meta.durationMs !== undefined && !isDuration(meta.durationMs)) throw new FileMediaError('A recording’s duration must be whole milliseconds, at most a day.');
}

/** The copy attachFile stores: only the fields the schema knows, so nothing else rides along into the document. */
export function mediaFields(meta: Pick<FileMeta, 'thumbnail' | 'pixels' | 'durationMs'>): Pick<FileMeta, 'thumbnail' | 'pixels' | 'durationMs'> {
	return {
		...(meta.thumbnail ? { thumbnail: { type: meta.thumbnail.type, width: meta.thumbnail.width, height: meta.thumbnail.height, bytes: meta.thumbnail.bytes } } : {}),
		...(meta.pixels ? { pixels: { width: meta.pixels.width, height: meta.pixels.height } } : {}),
		...(meta.durationMs !== undefined ? { durationMs: meta.durationMs } : {})
	};
}

/** The file's thumbnail when it has a usable one (older documents have none; a damaged one is ignored). */
export function thumbnailOf(meta: FileMeta | undefined): Thumbnail | null {
	return meta && isThumbnail(meta.thumbnail) ? meta.thumbnail : null;
}

/** A recording the conversation shows with a player: sound, with the duration its recorder noted. */
export function isVoiceNote(meta: FileMeta | undefined): meta is FileMeta & { durationMs: number } {
	return !!meta && meta.type.startsWith('audio/') && isDuration(meta.durationMs);
}
