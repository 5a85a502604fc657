// Reads no UI state. The admin API's wire shapes (/api/admin/…), shared by the relay that answers and the admin page
// that asks, and the audit log's entries, which the relay keeps in its directory journal.
import type { Role } from './directory';
import type { ConversationId, UserId } from './ids';

/** Every change an administrator can make; the admin page words each one in the person's language. */
export const AUDIT_ACTIONS = [
	'person.add',
	'person.disable',
	'person.enable',
	'person.password',
	'person.organisation',
	'person.admin',
	'organisation.add',
	'case.add',
	'case.close',
	'case.reopen',
	'case.import',
	'conversation.removeMember'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit log: who did what to what, when. */
export interface AuditEntry {
	/** Milliseconds since the epoch. */
	at: number;
	/** The administrator; null for `npm run admin` on the relay's machine (whoever has a shell there). */
	by: UserId | null;
	action: AuditAction;
	/** What it was done to: a username, an organisation id, a case number, a conversation id. */
	target: string;
	/** Values, not words (an organisation id, "acme → beta", a file's name), so every language can show them. */
	detail?: string;
	/** A case import's outcome. */
	counts?: ImportCounts;
}

export interface ImportCounts {
	added: number;
	updated: number;
	unchanged: number;
}

/** A person as the admin page lists them (never the password hash). */
export interface AdminPerson {
	id: UserId;
	username: string;
	name: string;
	org: string;
	orgName: string;
	role: Role;
	disabled: boolean;
	admin: boolean;
}

export interface AdminConversation {
	id: ConversationId;
	kind: 'direct' | 'case';
	/** The service case's number, or null for a direct chat. */
	caseNumber: string | null;
	members: { id: UserId; name: string }[];
	createdBy: UserId;
	createdAt: number;
}

export interface AdminAuditEntry extends AuditEntry {
	/** The administrator's full name, or null for the command line. */
	byName: string | null;
}

/** What every change answers: a sentence for the log or the command line, and what it made. */
export interface AdminOutcome {
	message: string;
}

/** One refused row of an import: 1-based, as a person counts lines in the file (the CSV header is line 1). */
export interface ImportRowError {
	row: number;
	message: string;
}
