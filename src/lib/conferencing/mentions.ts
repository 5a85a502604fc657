// Reads no UI state. @mentions: the name being typed after "@" in the Message field, the members it may mean,
// putting the chosen name in, which members a text names, and a text cut into plain and mention parts for display.
// A mention is "@" and a member's full name, so what the text says is what counts, however it was typed.
import type { UserId } from '$lib/model/ids';
import { foldForSearch } from './conversation-list';

export interface Mentionable {
	id: UserId;
	name: string;
}

/** The "@…" being typed just before the caret: where its "@" is and what follows so far; null when there is none. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
	const before = text.slice(0, caret);
	const start = before.lastIndexOf('@');
	if (start < 0) return null;
	// An e-mail address (no space before the "@") is not a mention.
	if (start > 0 && !/\s/.test(before[start - 1]!)) return null;
	const query = before.slice(start + 1);
	if (query.length > 40 || /[\n@]|\s\s/.test(query)) return null;
	return { start, query };
}

/** Members whose name fits what is typed: each typed word begins a word of the name, accents and case ignored. */
export function mentionCandidates(people: readonly Mentionable[], query: string, limit = 6): Mentionable[] {
	const words = foldForSearch(query).split(/\s+/).filter(Boolean);
	return people
		.filter((p) => {
			const parts = foldForSearch(p.name).split(/\s+/);
			return words.every((w) => parts.some((part) => part.startsWith(w)));
		})
		.slice(0, limit);
}

/** Replaces the "@…" from `start` to the caret with "@Full Name " and says where the caret goes. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
	const inserted = `@${name} `;
	return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
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

/** The people a text names with "@Full Name". */
export function mentionedIn(text: string, people: readonly Mentionable[]): UserId[] {
	return [...new Set(splitMentions(text, people).flatMap((s) => (s.kind === 'mention' ? [s.userId] : [])))];
}

const isLetter = (c: string) => /[\p{L}\p{N}]/u.test(c);
const mentionAt = (text: string, at: number, name: string) => text.startsWith(name, at + 1) && !isLetter(text[at + 1 + name.length] ?? ' ');
