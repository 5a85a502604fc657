// The type of a file is decided by its bytes, never by its name or by what the sender claims.

export type SniffedType =
	| 'image/png'
	| 'image/jpeg'
	| 'image/gif'
	| 'image/webp'
	| 'application/pdf'
	| 'video/mp4'
	| 'video/webm'
	| 'audio/webm'
	| 'audio/mp4'
	| 'audio/ogg'
	| 'text/plain'
	| 'text/html'
	| 'image/svg+xml'
	| 'application/xml'
	| 'application/octet-stream';

/** Types a browser may execute scripts in: never render these inline from the app's origin. */
const ACTIVE: ReadonlySet<SniffedType> = new Set(['text/html', 'image/svg+xml', 'application/xml']);

export function isActiveContent(type: SniffedType): boolean {
	return ACTIVE.has(type);
}

/** Types the app's viewer shows inline; everything else is offered as a download. */
export function isViewableInline(type: SniffedType): boolean {
	return type !== 'application/octet-stream' && !isActiveContent(type);
}

/** A picture the app may draw itself (never SVG, which can carry scripts). */
export function isSafePicture(type: string): boolean {
	return type.startsWith('image/') && isViewableInline(type as SniffedType);
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
	if (bytes.length < offset + signature.length) return false;
	return signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** Sniffs from the first bytes of a file (the first chunk is plenty). */
export function sniffContentType(head: Uint8Array): SniffedType {
	if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
	if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
	if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
	if (startsWith(head, ascii('ftyp'), 4)) return 'video/mp4';
	if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm'; // EBML: WebM (and Matroska)
	if (startsWith(head, ascii('OggS'))) return 'audio/ogg';
	return sniffText(head);
}

/**
 * The bytes decide the container; a sound recording looks like a video container (WebM, MP4), so the type the
 * recorder or the browser declared may say "audio" within the container the bytes show, and nothing more.
 */
export function refineType(sniffed: SniffedType, declared: string): SniffedType {
	const base = declared.split(';', 1)[0]!.trim().toLowerCase();
	if (sniffed === 'video/webm' && base === 'audio/webm') return 'audio/webm';
	if (sniffed === 'video/mp4' && (base === 'audio/mp4' || base === 'audio/x-m4a' || base === 'audio/m4a')) return 'audio/mp4';
	return sniffed;
}

const SAMPLE = 4096;

/** Strict UTF-8 decode of the sample; a sample cut mid-character may drop up to 3 trailing bytes. */
function decodeSample(head: Uint8Array): string | null {
	const sample = head.subarray(0, SAMPLE);
	const cut = head.length > SAMPLE ? 3 : 0;
	for (let drop = 0; drop <= cut; drop++) {
		try {
			return new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, sample.length - drop));
		} catch {
			// not valid UTF-8 at this length
		}
	}
	return null;
}

function sniffText(head: Uint8Array): SniffedType {
	const text = decodeSample(head);
	if (text === null) return 'application/octet-stream';
	// Binary control characters (other than tab, newline, form feed, carriage return) mean not text.
	if (/[\u0000-\u0008\u000b\u000e-\u001f]/.test(text)) return 'application/octet-stream';
	// Browsers sniff markup anywhere near the start, after whitespace, a BOM or comments: be as eager.
	const start = text.replace(/^\ufeff/, '').trimStart().slice(0, 1024).toLowerCase();
	if (/<svg[\s>]/.test(start)) return 'image/svg+xml';
	if (/^<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>]|<iframe[\s>]/.test(start)) return 'text/html';
	if (start.startsWith('<?xml')) return 'application/xml';
	return 'text/plain';
}
