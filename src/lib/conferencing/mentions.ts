// Reads no UI state. @mentions: the name being typed after "@" in the Message field, the members it may mean,
// putting the chosen name in, and which members a text names. Cutting a text into plain and mention parts for display
// is the model's (message-text.ts), shared with the service report. A mention is "@" and a member's full name, so
// what the text says is what counts, however it was typed.
import type { UserId } from '$lib/model/ids';
import { splitMentions, type Mentionable } from '$lib/model/message-text';
import { foldForSearch } from './conversation-list';

export { splitMentions, type Mentionable, type MentionSegment } from '$lib/model/message-text';

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

/** The people a text names with "@Full Name". */
export function mentionedIn(text: string, people: readonly Mentionable[]): UserId[] {
	return [...new Set(splitMentions(text, people).flatMap((s) => (s.kind === 'mention' ? [s.userId] : [])))];
}
