// Reads no UI state. Frame 1's entries: one per conversation, newest activity first, filtered by kind and by a
// search over titles and message text that needs nothing but the documents on this device.
import type { ConversationDoc, Message } from '$lib/model/conversation-schema';
import type { ConversationKind } from '$lib/model/policy';
import type { UserId } from '$lib/model/ids';
import { isDeleted, mentions } from '$lib/model/message-edits';

export interface ConversationEntry {
	id: string;
	kind: ConversationKind;
	title: string;
	case: ConversationDoc['case'];
	last: Message | null;
	/** The time of the last message, or of creation: what "newest activity" sorts by. */
	activityAt: number;
	/** Messages from others since this person last read the conversation (on any device); notices and deleted ones do not count. */
	unread: number;
	/** Of those, the ones that name this person with @: they count even in a muted conversation. */
	mentioned: number;
}

/** `readCount`: how many of the conversation's messages this person has seen (their mark in its receipts document). */
export function conversationEntry(id: string, doc: ConversationDoc, me: UserId, readCount: number): ConversationEntry {
	const messages = doc.messages;
	let last: Message | null = null;
	for (const m of messages) if (!last || m.at >= last.at) last = m;
	let unread = 0;
	let mentioned = 0;
	for (const m of messages.slice(Math.max(0, readCount))) {
		if (m.author === me || m.kind === 'system' || isDeleted(m)) continue;
		unread++;
		if (mentions(m, me)) mentioned++;
	}
	return { id, kind: doc.kind, title: doc.title, case: doc.case, last, activityAt: Math.max(doc.createdAt, last?.at ?? 0), unread, mentioned };
}

/** What the app icon's badge counts: unread messages, but in a muted conversation only those that name the person. */
export function badgeCount(entries: readonly ConversationEntry[], isMuted: (id: string) => boolean): number {
	return entries.reduce((sum, e) => sum + (isMuted(e.id) ? e.mentioned : e.unread), 0);
}

export type KindFilter = 'all' | ConversationKind;

export interface ListQuery {
	kind: KindFilter;
	search: string;
}

/** Entries to show: of the chosen kind, matching every word of the search, newest activity first. */
export function visibleEntries(entries: readonly ConversationEntry[], docs: ReadonlyMap<string, ConversationDoc>, query: ListQuery) {
	const words = searchWords(query.search);
	return entries
		.filter((e) => query.kind === 'all' || e.kind === query.kind)
		.filter((e) => words.length === 0 || matchesSearch(docs.get(e.id), words))
		.sort((a, b) => b.activityAt - a.activityAt || a.id.localeCompare(b.id));
}

/** Lower case without accents, so "novak" finds "Novák" and "vreteno" finds "vřeteno" on a tablet keyboard. */
export function foldForSearch(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function searchWords(search: string): string[] {
	return foldForSearch(search).split(/\s+/).filter(Boolean);
}

function matchesSearch(doc: ConversationDoc | undefined, words: readonly string[]): boolean {
	if (!doc) return false;
	const parts = [doc.title, doc.case?.number ?? '', doc.case?.title ?? ''];
	for (const m of doc.messages) if (m.kind === 'text') parts.push(m.text);
	const haystack = foldForSearch(parts.join('\n'));
	return words.every((w) => haystack.includes(w));
}
