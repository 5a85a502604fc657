// Reads no UI state. What a text message says, for whoever shows it (the app's message stream and the service
// report, which the relay renders too): its text cut into plain parts and "@Full Name" mentions, and the beginning
// a reply's quote shows. A mention is "@" and a member's full name, so what the text says is what counts.
import type { UserId } from './ids';

export interface Mentionable {
	id: UserId;
	name: string;
}

export type MentionSegment = { kind: 'text'; text: string } | { kind: 'mention'; text: string; userId: UserId };

/** The text cut at every "@Full Name" of these people (the longest name first, so "@Anna Horáková" beats "@Anna"). */
export function splitMentions(text: string, people: readonly Mentionable[]): MentionSegment[] {
	const named = [...people].filter((p) => p.name).sort((a, b) => b.name.length - a.name.length);
	const segments: MentionSegment[] = [];
	let plain = '';
	for (let i = 0; i < text.length; ) {
		const person = text[i] === '@' && (i === 0 || !isLetter(text[i - 1]!)) ? named.find((p) => mentionAt(text, i, p.name)) : undefined;
		if (!person) {
			plain += text[i++];
			continue;
		}
		if (plain) segments.push({ kind: 'text', text: plain });
		plain = '';
		segments.push({ kind: 'mention', text: `@${person.name}`, userId: person.id });
		i += person.name.length + 1;
	}
	if (plain) segments.push({ kind: 'text', text: plain });
	return segments;
}

const isLetter = (c: string) => /[\p{L}\p{N}]/u.test(c);
const mentionAt = (text: string, at: number, name: string) => text.startsWith(name, at + 1) && !isLetter(text[at + 1 + name.length] ?? ' ');

/** A text's first line, cut to 120 characters: what a quote or a preview shows of it. */
export function firstLine(text: string): string {
	const line = text.split('\n', 1)[0] ?? '';
	return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
