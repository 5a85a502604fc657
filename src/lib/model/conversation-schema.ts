// Reads no UI state. Types only: the conversation document as it is stored in Automerge.
// Every document carries `schema`; readers accept older versions through upgradeConversation().
import type { CaseId, MessageId, UserId } from './ids';
import type { ConversationKind } from './policy';

export const CONVERSATION_SCHEMA = 1;

export interface CaseRef {
	id: CaseId;
	number: string;
	title: string;
}

/** A display copy of a member; the relay's ACL is the authority on who may read. */
export interface MemberEntry {
	name: string;
	addedBy: UserId;
	addedAt: number;
	/** Set when the person was removed or left: the entry stays so their earlier messages keep their name. */
	removedBy?: UserId;
	removedAt?: number;
}

export interface WhiteboardRef {
	/** The whiteboard's own Automerge document id. */
	documentId: string;
	title: string;
	createdBy: UserId;
	createdAt: number;
}

/** File metadata only: bytes never go into Automerge (DESIGN.md). */
export interface FileMeta {
	/** Lower-case hex SHA-256 of the bytes: the key of the blob stores. */
	sha256: string;
	name: string;
	size: number;
	type: string;
	uploadedBy: UserId;
	uploadedAt: number;
}

interface MessageBase {
	id: MessageId;
	author: UserId;
	/** Milliseconds since the epoch, from the author's clock. */
	at: number;
}

export type SystemEvent =
	| { type: 'created' }
	| { type: 'members-added'; members: UserId[] }
	/** The author removed these people; the author alone means they left. */
	| { type: 'members-removed'; members: UserId[] };

export type Message =
	| (MessageBase & { kind: 'text'; text: string })
	| (MessageBase & { kind: 'system'; event: SystemEvent })
	| (MessageBase & { kind: 'whiteboard'; documentId: string })
	| (MessageBase & { kind: 'file'; sha256: string })
	| (MessageBase & {
			kind: 'call';
			event: 'started' | 'ended';
			participants: UserId[];
			durationMs?: number;
			/** On 'ended': the id of the 'started' message, which is the call's id. */
			startedId?: MessageId;
	  });

export type MessageKind = Message['kind'];

export interface ConversationDoc {
	schema: typeof CONVERSATION_SCHEMA;
	type: 'conversation';
	kind: ConversationKind;
	title: string;
	case: CaseRef | null;
	createdBy: UserId;
	createdAt: number;
	members: Record<UserId, MemberEntry>;
	/** Append-only in practice; concurrent appends from several devices merge. */
	messages: Message[];
	/** Keyed by whiteboard document id. */
	whiteboards: Record<string, WhiteboardRef>;
	/** Keyed by SHA-256: the same bytes shared twice are one file. */
	files: Record<string, FileMeta>;
}
