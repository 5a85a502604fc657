// Reads no UI state. Types only: the conversation document as it is stored in Automerge.
// Every document carries `schema`; readers accept older versions through upgradeConversation().
//   1: the first version.
//   2: a text message may carry `replyTo`, `mentions`, `editedAt` and `deletedAt` (all optional, so every version-1
//      document is a valid version-2 document as it is).
//   3: a file may carry `thumbnail`, `pixels` and `durationMs` (all optional, so every version-2 document is a valid
//      version-3 document as it is, and an older reader ignores them).
import type { CaseId, MessageId, UserId } from './ids';
import type { ConversationKind } from './policy';

export const CONVERSATION_SCHEMA = 3;

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
	/** A picture's thumbnail, made on the sharer's device, so members see it before the bytes arrive (version 3). */
	thumbnail?: Thumbnail;
	/** A picture's size in pixels as it is shown, EXIF orientation applied (version 3). */
	pixels?: { width: number; height: number };
	/** How long a recording (a voice note) plays, in milliseconds: MediaRecorder's WebM has no duration (version 3). */
	durationMs?: number;
}

export type ThumbnailType = 'image/webp' | 'image/jpeg';

/**
 * A small picture that travels inside the conversation document (at most MAX_THUMBNAIL_BYTES, see file-media.ts):
 * the one exception to "bytes never go into Automerge", small enough that 500 photos stay a few megabytes.
 */
export interface Thumbnail {
	type: ThumbnailType;
	/** Pixels of the thumbnail itself. */
	width: number;
	height: number;
	/** The encoded picture; Automerge stores a Uint8Array as one bytes value. */
	bytes: Uint8Array;
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

export interface TextMessage extends MessageBase {
	kind: 'text';
	/** Empty once deleted. */
	text: string;
	/** The message this one answers. */
	replyTo?: MessageId;
	/** The members named with @ in the text. */
	mentions?: UserId[];
	/** When the author last changed the text. */
	editedAt?: number;
	/**
	 * When the author deleted it: the text is gone from the current state, but the document's history (which every
	 * member's device and the relay hold) still has it.
	 */
	deletedAt?: number;
}

export type Message =
	| TextMessage
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
	/** The version the document was created with; every version up to CONVERSATION_SCHEMA reads as the current shape. */
	schema: number;
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
