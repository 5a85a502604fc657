// Reads no UI state. Which messages call for a notification while the app is in the background: messages from others
// (not notices, not deleted ones) that were not there when the app went to the background, in a conversation that is
// not muted, or that name this person even when it is muted; and what the notification says.
import type { ConversationDoc, Message } from '$lib/model/conversation-schema';
import type { UserId } from '$lib/model/ids';
import { isDeleted, mentions } from '$lib/model/message-edits';
import { previewText, type Described } from '$lib/conferencing/message-rows';

/** Every message id of each conversation: what was already there. */
export type Known = Map<string, Set<string>>;

export function knownNow(docs: ReadonlyMap<string, ConversationDoc>): Known {
	return new Map([...docs].map(([id, doc]) => [id, new Set(doc.messages.map((m) => m.id))]));
}

/**
 * Messages of others that `known` has not seen yet (they are added to it), worth a notification for this person.
 * A conversation `known` has never seen (new, or still loading from this device when the app went to the background)
 * counts only messages written after `since`, so a history arriving from storage is not news.
 */
export function arrivals(id: string, doc: ConversationDoc, known: Known, me: UserId, muted: boolean, since: number): Message[] {
	let seen = known.get(id);
	const fromStart = !seen;
	if (!seen) known.set(id, (seen = new Set()));
	const fresh: Message[] = [];
	for (const m of doc.messages) {
		if (seen.has(m.id)) continue;
		seen.add(m.id);
		if (fromStart && m.at < since) continue;
		if (m.author !== me && m.kind !== 'system' && !isDeleted(m) && (!muted || mentions(m, me))) fresh.push(m);
	}
	return fresh.sort((a, b) => a.at - b.at);
}

export interface NotificationText {
	title: Described;
	body: Described;
	/** One notification per conversation: a newer one replaces it. */
	tag: string;
	/** Where clicking it goes. */
	url: string;
}

export function notificationFor(id: string, doc: ConversationDoc, fresh: readonly Message[], me: UserId): NotificationText {
	const last = fresh[fresh.length - 1]!;
	const preview = previewText(last, doc);
	const named = fresh.filter((m) => mentions(m, me)).at(-1);
	const body: Described = named
		? { key: 'notify.mentioned', params: { author: doc.members[named.author]?.name ?? named.author, text: previewText(named, doc).params.text ?? '' } }
		: preview;
	const title: Described =
		fresh.length > 1 ? { key: 'notify.titleMany', params: { conversation: doc.title, count: fresh.length } } : { key: 'notify.title', params: { conversation: doc.title } };
	return { title, body, tag: `caseroom-${id}`, url: `/conferencing/${id}` };
}
