// Reads no UI state. Operations and selectors on a conversation document. Operations mutate the draft that
// automerge-repo's handle.change() passes in, so components never write documents inline.
import type { CaseId, MessageId, UserId } from './ids';
import type { ConversationKind } from './policy';
import {
	CONVERSATION_SCHEMA,
	type CaseRef,
	type ConversationDoc,
	type FileMeta,
	type Message,
	type TextMessage,
	type WhiteboardRef
} from './conversation-schema';
import { checkFileMedia, mediaFields } from './file-media';

export interface Actor {
	id: UserId;
	name: string;
}

export interface NewConversation {
	kind: ConversationKind;
	title: string;
	case: CaseRef | null;
	creator: Actor;
	/** Other members, besides the creator. */
	members: readonly Actor[];
	at: number;
	/** The id of the 'created' system message. */
	messageId: MessageId;
}

export class ConversationError extends Error {}

/** The initial value for repo.create(). */
export function newConversation(init: NewConversation): ConversationDoc {
	if (init.kind === 'case' && !init.case) throw new ConversationError('A service case chat needs a service case.');
	const members: ConversationDoc['members'] = {};
	for (const m of [init.creator, ...init.members]) {
		members[m.id] = { name: m.name, addedBy: init.creator.id, addedAt: init.at };
	}
	return {
		schema: CONVERSATION_SCHEMA,
		type: 'conversation',
		kind: init.kind,
		title: init.title.trim() || defaultTitle(init),
		case: init.case ? { ...init.case } : null,
		createdBy: init.creator.id,
		createdAt: init.at,
		members,
		messages: [{ id: init.messageId, author: init.creator.id, at: init.at, kind: 'system', event: { type: 'created' } }],
		whiteboards: {},
		files: {}
	};
}

function defaultTitle(init: NewConversation): string {
	if (init.case) return `${init.case.number} ${init.case.title}`;
	return [init.creator, ...init.members].map((m) => m.name).join(', ');
}

/** The longest message a person may send: a long report pasted in, not a file. */
export const MAX_TEXT_LENGTH = 20_000;

export interface NewTextMessage {
	id: MessageId;
	author: UserId;
	at: number;
	text: string;
	/** The message this one answers; it must be in the conversation. */
	replyTo?: MessageId;
	/** People named with @; only current members are kept. */
	mentions?: readonly UserId[];
}

export function postMessage(doc: ConversationDoc, m: NewTextMessage) {
	const text = checkedText(m.text);
	if (m.replyTo !== undefined && !doc.messages.some((other) => other.id === m.replyTo))
		throw new ConversationError('The message you answer is not in this conversation.');
	const message: TextMessage = { id: m.id, author: m.author, at: m.at, kind: 'text', text };
	// Automerge stores no `undefined`: optional fields are only set when they have a value.
	if (m.replyTo !== undefined) message.replyTo = m.replyTo;
	const mentions = mentionedMembers(doc, m.mentions);
	if (mentions.length > 0) message.mentions = mentions;
	doc.messages.push(message);
}

/** The text of a message as it may be stored: trimmed, not empty, not too long. */
export function checkedText(raw: string): string {
	const text = raw.trim();
	if (!text) throw new ConversationError('A message cannot be empty.');
	if (text.length > MAX_TEXT_LENGTH)
		throw new ConversationError(`A message can have at most ${MAX_TEXT_LENGTH} characters; share longer text as a file.`);
	return text;
}

/** Current members among the named people, each once. */
export function mentionedMembers(doc: ConversationDoc, named: readonly UserId[] = []): UserId[] {
	return [...new Set(named)].filter((id) => isMember(doc, id));
}

/** Adds people to the display copy and says so in the conversation; people already in are skipped. */
export function addMembers(
	doc: ConversationDoc,
	added: readonly Actor[],
	by: { id: MessageId; author: UserId; at: number }
): UserId[] {
	const fresh = added.filter((p) => !isMember(doc, p.id));
	if (fresh.length === 0) return [];
	for (const p of fresh) doc.members[p.id] = { name: p.name, addedBy: by.author, addedAt: by.at };
	const ids = fresh.map((p) => p.id);
	doc.messages.push({ id: by.id, author: by.author, at: by.at, kind: 'system', event: { type: 'members-added', members: ids } });
	return ids;
}

/**
 * Marks people as removed (or the author as having left) and says so in the conversation. Their entries stay, so
 * what they wrote keeps their name; people not in the conversation are skipped.
 */
export function removeMembers(doc: ConversationDoc, removed: readonly UserId[], by: { id: MessageId; author: UserId; at: number }): UserId[] {
	const gone = [...new Set(removed)].filter((id) => isMember(doc, id));
	if (gone.length === 0) return [];
	for (const id of gone) {
		doc.members[id]!.removedBy = by.author;
		doc.members[id]!.removedAt = by.at;
	}
	doc.messages.push({ id: by.id, author: by.author, at: by.at, kind: 'system', event: { type: 'members-removed', members: gone } });
	return gone;
}

export function attachWhiteboard(doc: ConversationDoc, ref: WhiteboardRef, messageId: MessageId) {
	if (ref.documentId in doc.whiteboards) return;
	doc.whiteboards[ref.documentId] = { ...ref };
	doc.messages.push({ id: messageId, author: ref.createdBy, at: ref.createdAt, kind: 'whiteboard', documentId: ref.documentId });
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function attachFile(doc: ConversationDoc, meta: FileMeta, messageId: MessageId) {
	if (!SHA256_HEX.test(meta.sha256)) throw new ConversationError('A file needs the SHA-256 of its bytes.');
	if (!Number.isSafeInteger(meta.size) || meta.size < 0) throw new ConversationError('A file size must be a whole number of bytes.');
	checkFileMedia(meta);
	const { sha256, name, size, type, uploadedBy, uploadedAt } = meta;
	if (!(sha256 in doc.files)) doc.files[sha256] = { sha256, name, size, type, uploadedBy, uploadedAt, ...mediaFields(meta) };
	doc.messages.push({ id: messageId, author: meta.uploadedBy, at: meta.uploadedAt, kind: 'file', sha256: meta.sha256 });
}

/** A call began; its 'started' message id is the call's id, which the people in it pass around. */
export function recordCallStarted(doc: ConversationDoc, call: { id: MessageId; author: UserId; at: number }) {
	doc.messages.push({ id: call.id, author: call.author, at: call.at, kind: 'call', event: 'started', participants: [call.author] });
}

/** The last person left: who was in the call and for how long. Recorded once per call; false if already there. */
export function recordCallEnded(
	doc: ConversationDoc,
	call: { id: MessageId; author: UserId; at: number; startedId: MessageId; startedAt: number; participants: readonly UserId[] }
): boolean {
	if (doc.messages.some((m) => m.kind === 'call' && m.event === 'ended' && m.startedId === call.startedId)) return false;
	doc.messages.push({
		id: call.id,
		author: call.author,
		at: call.at,
		kind: 'call',
		event: 'ended',
		participants: [...new Set(call.participants)].sort(),
		durationMs: Math.max(0, call.at - call.startedAt),
		startedId: call.startedId
	});
	return true;
}

// Selectors

/** The current members (the display copy): people removed or gone are not among them. */
export const memberIds = (doc: ConversationDoc) => (Object.keys(doc.members) as UserId[]).filter((id) => isMember(doc, id));

export const isMember = (doc: ConversationDoc, userId: UserId) => userId in doc.members && doc.members[userId]!.removedAt === undefined;

export function lastMessage(doc: ConversationDoc): Message | undefined {
	return doc.messages[doc.messages.length - 1];
}

/**
 * Messages in display order. Concurrent appends from devices that were apart land in list order chosen by
 * Automerge (the same on every device); sorting by time, then id, shows them as the people wrote them.
 */
export function messagesInTimeOrder(doc: ConversationDoc): Message[] {
	return [...doc.messages].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function mediaSummary(doc: ConversationDoc) {
	const files = Object.values(doc.files);
	return {
		whiteboards: Object.keys(doc.whiteboards).length,
		files: files.length,
		totalBytes: files.reduce((sum, f) => sum + f.size, 0)
	};
}

export const caseIdOf = (doc: ConversationDoc): CaseId | null => doc.case?.id ?? null;

/** Accepts any stored version and returns the current shape; version 2 only added optional fields, so only guards. */
export function upgradeConversation(doc: unknown): ConversationDoc | null {
	if (!isConversationDoc(doc)) return null;
	return doc;
}

export function isConversationDoc(doc: unknown): doc is ConversationDoc {
	if (typeof doc !== 'object' || doc === null) return false;
	const d = doc as Partial<ConversationDoc>;
	return d.type === 'conversation' && typeof d.schema === 'number' && d.schema <= CONVERSATION_SCHEMA && Array.isArray(d.messages);
}
