// Reads no UI state. Changing a text message after it was sent: edit and delete, only by its author; and the
// selectors the message stream needs (what a reply quotes, whether a message is deleted or names someone).
// Deleting empties the text in the current state; the document's history keeps every earlier version, and every
// member's device and the relay hold that history (docs/features.md, "Edit and delete").
import { checkedText, ConversationError, mentionedMembers } from './conversation';
import type { ConversationDoc, Message, TextMessage } from './conversation-schema';
import type { MessageId, UserId } from './ids';

export interface MessageChange {
	id: MessageId;
	/** Who asks for the change: it must be the author. */
	by: UserId;
	at: number;
}

/** Replaces the text (and who it names); false when nothing changed. */
export function editMessage(doc: ConversationDoc, change: MessageChange & { text: string; mentions?: readonly UserId[] }): boolean {
	const message = ownTextMessage(doc, change);
	const text = checkedText(change.text);
	const mentions = mentionedMembers(doc, change.mentions);
	if (text === message.text && sameIds(mentions, message.mentions ?? [])) return false;
	if (text !== message.text) message.text = text;
	if (mentions.length > 0) message.mentions = mentions;
	else delete message.mentions;
	message.editedAt = change.at;
	return true;
}

/** Empties the message and marks it deleted; false when it already was. */
export function deleteMessage(doc: ConversationDoc, change: MessageChange): boolean {
	const message = ownTextMessage(doc, change, { deleted: true });
	if (message.deletedAt !== undefined) return false;
	message.text = '';
	delete message.mentions;
	message.deletedAt = change.at;
	return true;
}

function ownTextMessage(doc: ConversationDoc, change: MessageChange, allow: { deleted?: boolean } = {}): TextMessage {
	const message = doc.messages.find((m) => m.id === change.id);
	if (!message) throw new ConversationError('That message is not in this conversation.');
	if (message.kind !== 'text') throw new ConversationError('Only text messages can be edited or deleted.');
	if (message.author !== change.by) throw new ConversationError('Only its author can edit or delete a message.');
	if (message.deletedAt !== undefined && !allow.deleted) throw new ConversationError('A deleted message cannot be edited.');
	return message;
}

const sameIds = (a: readonly UserId[], b: readonly UserId[]) => a.length === b.length && a.every((id, i) => id === b[i]);

// Selectors

export const isDeleted = (message: Message): boolean => message.kind === 'text' && message.deletedAt !== undefined;

/** Whether this person may edit or delete the message (the operations above check the same). */
export const mayChange = (message: Message, userId: UserId): boolean => message.kind === 'text' && message.author === userId && !isDeleted(message);

/** Whether the message names this person with @ (a deleted one names nobody). */
export const mentions = (message: Message, userId: UserId): boolean => message.kind === 'text' && (message.mentions?.includes(userId) ?? false);

/** Every message by id, for replies' quotes and jumps; built once per document version. */
export function messagesById(doc: Pick<ConversationDoc, 'messages'>): ReadonlyMap<MessageId, Message> {
	return new Map(doc.messages.map((m) => [m.id, m]));
}
