// The directory and ACL in memory: journal events applied to maps, with the invariants checked before any
// change (unique usernames, known organisations, members who exist...). Reads no files: the store persists.
import { documentIdBytes, receiptsIdBytes } from '../../src/lib/model/derived-ids.ts';
import type { AuditEntry } from '../../src/lib/model/admin.ts';
import type { Organisation, ServiceCase } from '../../src/lib/model/directory.ts';
import type { CaseId, ConversationId, OrgId, UserId } from '../../src/lib/model/ids.ts';
import type { AttachedDocument, ConversationRecord, DirectoryEvent, Identity, StoredPerson } from './events.ts';

export class DirectoryError extends Error {}

export class DirectoryState {
	readonly orgs = new Map<OrgId, Organisation>();
	readonly people = new Map<UserId, StoredPerson>();
	readonly usernames = new Map<string, UserId>();
	/** People created by single sign-on, by identityKey(provider, subject), and each one's identity. */
	readonly identities = new Map<string, UserId>();
	readonly identityOf = new Map<UserId, Identity>();
	readonly cases = new Map<CaseId, ServiceCase>();
	readonly conversations = new Map<ConversationId, ConversationRecord>();
	/** Attached documents (whiteboards) by document id. */
	readonly documents = new Map<string, AttachedDocument>();
	readonly documentsOf = new Map<ConversationId, AttachedDocument[]>();
	readonly memberships = new Map<UserId, Set<ConversationId>>();
	/** The audit log of administrators' actions, oldest first. */
	readonly audit: AuditEntry[] = [];
	/**
	 * Each conversation's receipts document (derived-ids.ts) by the hex of its id's 16 bytes; built at the first
	 * lookup, not at start (a few µs of hashing per conversation), then kept up to date.
	 */
	private receipts: Map<string, ConversationId> | null = null;
	/** Receipts document ids already looked up, so a busy one is decoded once. */
	private readonly receiptsById = new Map<string, ConversationId>();

	/** Why this event cannot be applied, or null. */
	problem(e: DirectoryEvent): string | null {
		switch (e.type) {
			case 'orgAdded':
				return this.orgs.has(e.org.id) ? `Organisation "${e.org.id}" already exists.` : null;
			case 'personAddedBySignIn':
				if (this.identities.has(identityKey(e.identity))) return `${e.identity.provider} subject ${e.identity.subject} already has a person.`;
			// falls through: the person is checked as any other
			case 'personAdded':
				if (this.people.has(e.person.id) || this.usernames.has(e.person.username))
					return `Username "${e.person.username}" is already taken.`;
				return this.orgs.has(e.person.org) ? null : `No organisation "${e.person.org}".`;
			case 'personDisabled':
			case 'personEnabled':
			case 'passwordSet':
				return this.people.has(e.userId) ? null : `No person "${e.userId}".`;
			case 'personChanged':
				if (!this.people.has(e.userId)) return `No person "${e.userId}".`;
				return e.change.org === undefined || this.orgs.has(e.change.org) ? null : `No organisation "${e.change.org}".`;
			case 'caseAdded':
				if (this.cases.has(e.serviceCase.id)) return `Service case ${e.serviceCase.number} already exists.`;
				return this.orgs.has(e.serviceCase.org) ? null : `No organisation "${e.serviceCase.org}".`;
			case 'caseUpdated':
				if (!this.cases.has(e.serviceCase.id)) return `No service case ${e.serviceCase.number}.`;
				return this.orgs.has(e.serviceCase.org) ? null : `No organisation "${e.serviceCase.org}".`;
			case 'auditRecorded':
				return null;
			case 'conversationRegistered': {
				const c = e.conversation;
				if (this.isKnownDocument(c.id)) return `Document ${c.id} is already registered.`;
				if (c.caseId !== null && !this.cases.has(c.caseId)) return `No service case "${c.caseId}".`;
				return this.unknownPerson([...c.members, c.createdBy]);
			}
			case 'membersAdded':
				if (!this.conversations.has(e.conversationId)) return `No conversation ${e.conversationId}.`;
				return this.unknownPerson(e.members);
			case 'membersRemoved': {
				const c = this.conversations.get(e.conversationId);
				if (!c) return `No conversation ${e.conversationId}.`;
				// The API's policy says the same; this guards the journal itself (and the admin socket).
				return c.members.every((m) => e.members.includes(m)) ? `Conversation ${e.conversationId} would have no member left.` : null;
			}
			case 'documentAttached':
				if (this.isKnownDocument(e.document.documentId)) return `Document ${e.document.documentId} is already registered.`;
				return this.conversations.has(e.document.conversationId) ? null : `No conversation ${e.document.conversationId}.`;
		}
	}

	apply(e: DirectoryEvent): void {
		const problem = this.problem(e);
		if (problem) throw new DirectoryError(problem);
		switch (e.type) {
			case 'orgAdded':
				this.orgs.set(e.org.id, e.org);
				break;
			case 'personAddedBySignIn':
				this.identities.set(identityKey(e.identity), e.person.id);
				this.identityOf.set(e.person.id, e.identity);
			// falls through
			case 'personAdded':
				this.people.set(e.person.id, { ...e.person });
				this.usernames.set(e.person.username, e.person.id);
				break;
			case 'personDisabled':
				this.updatePerson(e.userId, (p) => ({ disabled: true, tokenEpoch: p.tokenEpoch + 1 }));
				break;
			case 'personEnabled':
				this.updatePerson(e.userId, () => ({ disabled: false }));
				break;
			case 'passwordSet':
				this.updatePerson(e.userId, (p) => ({ passwordHash: e.passwordHash, tokenEpoch: p.tokenEpoch + 1 }));
				break;
			case 'personChanged':
				this.updatePerson(e.userId, () => e.change);
				break;
			case 'caseAdded':
			case 'caseUpdated':
				this.cases.set(e.serviceCase.id, e.serviceCase);
				break;
			case 'auditRecorded':
				this.audit.push(e.entry);
				break;
			case 'conversationRegistered': {
				// Registering always makes the creator a member. One record, no copies: a replay at start runs this
				// for every conversation there is.
				const members = [...new Set([e.conversation.createdBy, ...e.conversation.members])];
				this.conversations.set(e.conversation.id, { ...e.conversation, members });
				this.receipts?.set(hex(receiptsIdBytes(e.conversation.id)), e.conversation.id);
				for (const m of members) this.membershipsOf(m).add(e.conversation.id);
				break;
			}
			case 'membersAdded':
				this.addMembers(e.conversationId, e.members);
				break;
			case 'membersRemoved':
				this.removeMembers(e.conversationId, e.members);
				break;
			case 'documentAttached':
				this.documents.set(e.document.documentId, e.document);
				this.documentsOf.set(e.document.conversationId, [...(this.documentsOf.get(e.document.conversationId) ?? []), e.document]);
				break;
		}
	}

	/** The conversation a document belongs to: itself, the one it is attached to, or the one whose receipts it holds. */
	conversationOf(documentId: string): ConversationRecord | undefined {
		const id = this.documents.get(documentId)?.conversationId ?? documentId;
		return this.conversations.get(id as ConversationId) ?? this.receiptsOwner(documentId);
	}

	/** Registered as a conversation or attached to one (the API also refuses another conversation's receipts id). */
	isKnownDocument(documentId: string): boolean {
		return this.conversations.has(documentId as ConversationId) || this.documents.has(documentId);
	}

	private receiptsOwner(documentId: string): ConversationRecord | undefined {
		let owner = this.receiptsById.get(documentId);
		if (owner === undefined) {
			const bytes = documentIdBytes(documentId);
			if (bytes?.length !== 16) return undefined;
			this.receipts ??= new Map([...this.conversations.keys()].map((id) => [hex(receiptsIdBytes(id)), id]));
			owner = this.receipts.get(hex(bytes));
			if (owner === undefined) return undefined;
			this.receiptsById.set(documentId, owner);
		}
		return this.conversations.get(owner);
	}

	liveEntityCount(): number {
		return this.orgs.size + this.people.size + this.cases.size + this.conversations.size + this.documents.size + this.audit.length;
	}

	/** The fewest events that rebuild this state (for compaction). */
	*snapshot(): Generator<DirectoryEvent> {
		for (const org of this.orgs.values()) yield { type: 'orgAdded', org };
		for (const person of this.people.values()) {
			const identity = this.identityOf.get(person.id);
			yield identity ? { type: 'personAddedBySignIn', person, identity } : { type: 'personAdded', person };
		}
		for (const serviceCase of this.cases.values()) yield { type: 'caseAdded', serviceCase };
		for (const conversation of this.conversations.values()) {
			yield { type: 'conversationRegistered', conversation };
			// Registering always makes the creator a member: one who has left must leave again.
			if (!conversation.members.includes(conversation.createdBy))
				yield { type: 'membersRemoved', conversationId: conversation.id, members: [conversation.createdBy], by: conversation.createdBy };
		}
		for (const document of this.documents.values()) yield { type: 'documentAttached', document };
		for (const entry of this.audit) yield { type: 'auditRecorded', entry };
	}

	private unknownPerson(ids: UserId[]): string | null {
		const unknown = ids.find((id) => !this.people.has(id));
		return unknown === undefined ? null : `No person "${unknown}".`;
	}

	private updatePerson(id: UserId, change: (p: StoredPerson) => Partial<StoredPerson>) {
		const person = this.people.get(id)!;
		this.people.set(id, { ...person, ...change(person) });
	}

	private removeMembers(id: ConversationId, members: UserId[]) {
		const conversation = this.conversations.get(id)!;
		this.conversations.set(id, { ...conversation, members: conversation.members.filter((m) => !members.includes(m)) });
		for (const m of members) this.memberships.get(m)?.delete(id);
	}

	private addMembers(id: ConversationId, members: UserId[]) {
		const conversation = this.conversations.get(id)!;
		const added = [...new Set(members)].filter((m) => !conversation.members.includes(m));
		this.conversations.set(id, { ...conversation, members: [...conversation.members, ...added] });
		for (const m of added) this.membershipsOf(m).add(id);
	}

	private membershipsOf(userId: UserId): Set<ConversationId> {
		let set = this.memberships.get(userId);
		if (!set) this.memberships.set(userId, (set = new Set()));
		return set;
	}
}

export const identityKey = (identity: Identity) => JSON.stringify([identity.provider, identity.subject]);

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
