// Reads no UI state. Splits message text into plain text and links, so links are clickable while the text is
// rendered as text nodes: nothing a person writes becomes markup.
export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) URLs and bare www. addresses, up to whitespace or an angle bracket.
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>]+/gi;
// Punctuation that ends a sentence rather than the address ("see https://x.example/a.").
const TRAILING = /[.,;:!?'")\]]+$/;

export function linkify(text: string): TextSegment[] {
	const segments: TextSegment[] = [];
	let from = 0;
	for (const match of text.matchAll(LINK)) {
		let raw = match[0];
		const trailing = raw.match(TRAILING)?.[0] ?? '';
		// Keep a closing parenthesis that belongs to the address, as in Wikipedia links.
		const keepParen = trailing.startsWith(')') && raw.includes('(');
		if (trailing && !keepParen) raw = raw.slice(0, -trailing.length);
		const href = raw.toLowerCase().startsWith('www.') ? `https://${raw}` : raw;
		if (!isSafeHref(href)) continue;
		if (match.index > from) segments.push({ kind: 'text', text: text.slice(from, match.index) });
		segments.push({ kind: 'link', text: raw, href });
		from = match.index + raw.length;
	}
	if (from < text.length) segments.push({ kind: 'text', text: text.slice(from) });
	return segments;
}

function isSafeHref(href: string): boolean {
	try {
		const url = new URL(href);
		return url.protocol === 'https:' || url.protocol === 'http:';
	} catch {
		return false;
	}
}
