// The directory journal's records: one event per change, a discriminated union with a decoder that refuses
// anything it does not understand (a journal written by a newer relay, or damage).
import type { Organisation, Person, RegisteredConversation, ServiceCase } from '../../src/lib/model/directory.ts';
import type { AuditEntry } from '../../src/lib/model/admin.ts';
import type { ConversationId, UserId } from '../../src/lib/model/ids.ts';

/** A person as the relay keeps them: with the password hash and the token epoch. */
export interface StoredPerson extends Person {
	passwordHash: string;
	/** Bumped on a password reset and on disable: tokens carrying an older epoch are refused. */
	tokenEpoch: number;
	/** May use the admin page and /api/admin (absent in journals written before administrators existed). */
	admin?: boolean;
}

/** What an administrator may change about a person after adding them. */
export type PersonChange = Partial<Pick<StoredPerson, 'org' | 'role' | 'admin'>>;

/** A person as a single sign-on provider knows them: its id in OIDC_PROVIDERS and its `sub` claim. */
export interface Identity {
	provider: string;
	subject: string;
}

export type DocumentKind = 'whiteboard';

/** The journal keeps a conversation's documents as their own events. */
export type ConversationRecord = Omit<RegisteredConversation, 'documents'>;

export interface AttachedDocument {
	documentId: string;
	conversationId: ConversationId;
	kind: DocumentKind;
	attachedBy: UserId;
	/** Milliseconds since the epoch. */
	attachedAt: number;
}

export type DirectoryEvent =
	| { type: 'orgAdded'; org: Organisation }
	| { type: 'personAdded'; person: StoredPerson }
	/** Created at their first single sign-on, by a claim rule; later sign-ins find them by `identity`. One event, so a
	 * person is never left without the link that finds them. */
	| { type: 'personAddedBySignIn'; person: StoredPerson; identity: Identity }
	| { type: 'personDisabled'; userId: UserId }
	| { type: 'personEnabled'; userId: UserId }
	| { type: 'passwordSet'; userId: UserId; passwordHash: string }
	| { type: 'personChanged'; userId: UserId; change: PersonChange }
	| { type: 'caseAdded'; serviceCase: ServiceCase }
	/** The case's title, organisation or closed flag changed (the admin page, a case import). */
	| { type: 'caseUpdated'; serviceCase: ServiceCase }
	| { type: 'conversationRegistered'; conversation: ConversationRecord }
	| { type: 'membersAdded'; conversationId: ConversationId; members: UserId[]; by: UserId }
	/** `by` removed `members` (or left, when `members` is only `by`); they lose access to everything of it at once. */
	| { type: 'membersRemoved'; conversationId: ConversationId; members: UserId[]; by: UserId }
	| { type: 'documentAttached'; document: AttachedDocument }
	/** An administrator's action, after the change it describes: the audit log, as durable as the directory. */
	| { type: 'auditRecorded'; entry: AuditEntry };

const FIELDS: Record<DirectoryEvent['type'], string[]> = {
	orgAdded: ['org'],
	personAdded: ['person'],
	personAddedBySignIn: ['person', 'identity'],
	personDisabled: ['userId'],
	personEnabled: ['userId'],
	passwordSet: ['userId', 'passwordHash'],
	personChanged: ['userId', 'change'],
	caseAdded: ['serviceCase'],
	caseUpdated: ['serviceCase'],
	conversationRegistered: ['conversation'],
	membersAdded: ['conversationId', 'members', 'by'],
	membersRemoved: ['conversationId', 'members', 'by'],
	documentAttached: ['document'],
	auditRecorded: ['entry']
};

/** Checks the shape of a journal line (deep checks are the state's job); throws on anything unknown. */
export function decodeDirectoryEvent(value: unknown): DirectoryEvent {
	if (typeof value !== 'object' || value === null) throw new TypeError('not an object');
	const type = (value as { type?: unknown }).type;
	if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) throw new TypeError(`unknown event type ${JSON.stringify(type)}`);
	for (const field of FIELDS[type as DirectoryEvent['type']])
		if ((value as Record<string, unknown>)[field] === undefined) throw new TypeError(`${type} without ${field}`);
	return value as DirectoryEvent;
}
