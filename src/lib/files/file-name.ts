// File names arrive from other people's devices: make them safe to show and to save.

const MAX_NAME_BYTES = 200;
// Names Windows refuses whatever the extension (CON.txt is as bad as CON).
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export function sanitizeFileName(raw: string, fallback = 'file'): string {
	let name = raw
		.normalize('NFC')
		// A name is a name, not a path: keep only the last component.
		.split(/[/\\]/)
		.pop()!
		// Control characters (C0, DEL, C1) and bidi overrides that disguise an extension.
		.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
		// Characters Windows forbids in names.
		.replace(/[<>:"|?*]/g, '_')
		.trim()
		// Trailing dots and spaces are dropped by Windows; leading dots make hidden files.
		.replace(/[. ]+$/, '')
		.replace(/^\.+/, '');
	if (name === '' || RESERVED.test(name)) name = name === '' ? fallback : `_${name}`;
	return truncateUtf8(name, MAX_NAME_BYTES);
}

/** Cuts to a byte budget, keeping the extension and never splitting a character. */
function truncateUtf8(name: string, maxBytes: number): string {
	const encoder = new TextEncoder();
	if (encoder.encode(name).byteLength <= maxBytes) return name;
	const dot = name.lastIndexOf('.');
	const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
	let stem = Array.from(name.slice(0, name.length - ext.length));
	while (stem.length > 0 && encoder.encode(stem.join('') + ext).byteLength > maxBytes) stem.pop();
	return stem.join('') + ext;
}

/** Names cameras give every photo alike: iPad's "image.jpg", or only digits (Android's time stamps). */
const GENERIC_PHOTO = /^(image|photo|img)?[\d_ -]*\.(jpe?g|png|heic|heif|webp)$/i;

/** A photo from the camera gets a name a person can tell apart ("Photo 2026-12-03 14.05.32.jpg"); others keep theirs. */
export function cameraFileName(raw: string, at: Date): string {
	if (!GENERIC_PHOTO.test(raw.trim())) return raw;
	const two = (n: number) => String(n).padStart(2, '0');
	const extension = raw.trim().split('.').pop()!.toLowerCase();
	return `Photo ${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}.${two(at.getMinutes())}.${two(at.getSeconds())}.${extension}`;
}
