// Reads no UI state. The directory as the app and the relay both see it: organisations, people, service cases.
import type { CaseId, ConversationId, OrgId, UserId } from './ids';

/** The organisation whose field service engineers work on every case. */
export const ENGINEERS_ORG = 'gfms' as OrgId;

export type Role = 'engineer' | 'customer';

export interface Organisation {
	id: OrgId;
	name: string;
}

/** A person as others may see them: never the password hash. */
export interface Person {
	id: UserId;
	/** The sign-in name; lower case, unique. */
	username: string;
	name: string;
	org: OrgId;
	role: Role;
	disabled: boolean;
}

export interface ServiceCase {
	id: CaseId;
	/** e.g. "SC-1042" */
	number: string;
	title: string;
	org: OrgId;
	/** Closed by an administrator: its conversations stay; the app no longer offers it for a new one. Absent: open. */
	closed?: boolean;
}

export const isEngineer = (p: Pick<Person, 'org'>) => p.org === ENGINEERS_ORG;

/** The wire shape of `user` in POST /api/login (CONTRACT.md): org is the organisation's display name. */
export interface PublicUser {
	id: UserId;
	name: string;
	org: string;
	orgId: OrgId;
	role: Role;
	username: string;
	/** Present (true) for an administrator: the app offers the admin page. */
	admin?: boolean;
	/**
	 * The person's own document (settings that follow them: personal-schema.ts), readable by them alone. Absent in a
	 * session saved before it existed (the app asks /api/me for it) and from a relay without its key.
	 */
	personalDocumentId?: string;
}

/** The wire shape of GET /api/directory: what this person may see (enabled people only). */
export interface DirectoryView {
	organisations: Organisation[];
	people: Person[];
	cases: ServiceCase[];
}

/** A conversation as the relay registered it (GET and POST /api/conversations); the relay's ACL. */
export interface RegisteredConversation {
	id: ConversationId;
	kind: 'direct' | 'case';
	caseId: CaseId | null;
	members: UserId[];
	createdBy: UserId;
	/** Milliseconds since the epoch. */
	createdAt: number;
	/** Child documents (whiteboards) whose access follows this conversation's members. */
	documents: { documentId: string; kind: 'whiteboard' }[];
}
