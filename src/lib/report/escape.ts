// Reads no UI state. Text and bytes made safe for the report's HTML and SVG: everything in a conversation was typed
// by people (or written into the document by any member's device), so nothing of it may become markup.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For element content and quoted attribute values alike. */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A CSS string literal's content (the print header), with no way out of its quotes. */
export const cssString = (text: string): string => text.replace(/[\\"\n\r\f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `);

/** A colour from a document, or `fallback` when it is anything but a plain hex or named colour. */
export const safeColor = (color: string, fallback = '#1b2631'): string => (/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,20})$/.test(color) ? color : fallback);

export function bytesToBase64(bytes: Uint8Array): string {
	let binary = '';
	for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
	return btoa(binary);
}
