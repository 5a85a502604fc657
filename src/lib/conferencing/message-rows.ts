// Reads no UI state. Frame 2's rows: messages in time order with a separator at each new day, and what a
// system message says, as a translation key with its parameters.
import type { ConversationDoc, Message } from '$lib/model/conversation-schema';
import type { UserId } from '$lib/model/ids';
import type { MessageKey } from '$lib/i18n/messages';
import { formatDuration } from '$lib/i18n/format';
import { isVoiceNote } from '$lib/model/file-media';
import { firstLine } from '$lib/model/message-text';

export type Row =
	| { kind: 'day'; key: string; at: number }
	| { kind: 'message'; key: string; message: Message; mine: boolean; /** Same author as the row above, same day. */ continued: boolean };

/** The local calendar day of a time, e.g. "2026-11-27"; a parameter so tests choose the time zone. */
export type DayOf = (at: number) => string;
export const localDay: DayOf = (at) => {
	const d = new Date(at);
	return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
};

export function messageRows(messages: readonly Message[], me: UserId, dayOf: DayOf = localDay): Row[] {
	const rows: Row[] = [];
	let day = '';
	let previous: Message | undefined;
	for (const message of messages) {
		const thisDay = dayOf(message.at);
		if (thisDay !== day) {
			rows.push({ kind: 'day', key: `day-${thisDay}`, at: message.at });
			day = thisDay;
			previous = undefined;
		}
		const continued = previous?.author === message.author && inBubble(previous) && inBubble(message);
		rows.push({ kind: 'message', key: message.id, message, mine: message.author === me, continued });
		previous = message;
	}
	return rows;
}

/** Text and files are bubbles under their author's name; events are lines of their own. */
const inBubble = (message: Message) => message.kind === 'text' || message.kind === 'file';

export interface Described {
	key: MessageKey;
	params: Record<string, string | number>;
}

/** What a non-text message says; names come from the conversation's display copy of its members. */
export function describeEvent(message: Message, doc: Pick<ConversationDoc, 'members' | 'files' | 'whiteboards'>): Described | null {
	const name = (id: UserId) => doc.members[id]?.name ?? id;
	const author = name(message.author);
	switch (message.kind) {
		case 'text':
			return null;
		case 'system':
			if (message.event.type === 'created') return { key: 'event.created', params: { author } };
			if (message.event.type === 'members-removed') {
				const left = message.event.members.length === 1 && message.event.members[0] === message.author;
				return left ? { key: 'event.left', params: { author } } : { key: 'event.membersRemoved', params: { author, names: message.event.members.map(name).join(', ') } };
			}
			return { key: 'event.membersAdded', params: { author, names: message.event.members.map(name).join(', ') } };
		case 'whiteboard':
			return { key: 'event.whiteboard', params: { author, title: doc.whiteboards[message.documentId]?.title ?? '' } };
		case 'file': {
			const file = doc.files[message.sha256];
			if (isVoiceNote(file)) return { key: 'voice.event', params: { author, duration: formatDuration(file.durationMs) } };
			return { key: 'event.file', params: { author, file: file?.name ?? message.sha256.slice(0, 12) } };
		}
		case 'call':
			if (message.event === 'started') return { key: 'event.callStarted', params: { author } };
			return {
				key: 'event.callEnded',
				params: { minutes: Math.max(1, Math.round((message.durationMs ?? 0) / 60_000)), names: message.participants.map(name).join(', ') }
			};
	}
}

/** A one-line preview for the conversation list. */
export function previewText(message: Message, doc: Pick<ConversationDoc, 'members' | 'files' | 'whiteboards'>): Described {
	if (message.kind !== 'text') return describeEvent(message, doc)!;
	if (message.deletedAt !== undefined) return { key: 'message.deleted', params: {} };
	return { key: 'list.preview', params: { author: doc.members[message.author]?.name ?? message.author, text: firstLine(message.text) } };
}

/** What a reply's quote shows of the message it answers: its first line, or what an event or a deletion says. */
export function quotedText(message: Message, doc: Pick<ConversationDoc, 'members' | 'files' | 'whiteboards'>): { text: string } | Described {
	if (message.kind !== 'text') return describeEvent(message, doc)!;
	if (message.deletedAt !== undefined) return { key: 'message.deleted', params: {} };
	return { text: firstLine(message.text) };
}

export type SeenSummary = { kind: 'one'; userId: UserId; at: number } | { kind: 'some'; count: number; total: number };

/**
 * What "Seen by" says on one of my messages: who saw it when one person did ("Seen by Anna 12:31"), otherwise how
 * many of the others ("Seen by 3 of 4"); null while nobody has.
 */
export function seenSummary(seers: readonly { userId: UserId; at: number }[], others: number): SeenSummary | null {
	if (seers.length === 0) return null;
	if (seers.length === 1) return { kind: 'one', userId: seers[0]!.userId, at: seers[0]!.at };
	return { kind: 'some', count: seers.length, total: Math.max(others, seers.length) };
}
