// What the API shows of the store: people without hashes, conversations with their attached documents.
import { type DirectoryView, type Person, type PublicUser, type RegisteredConversation } from '../../src/lib/model/directory.ts';
import { canSeeCase, canSeeOrganisation, canSeePerson } from '../../src/lib/model/policy.ts';
import type { ConversationRecord, StoredPerson } from '../directory/events.ts';
import type { DirectoryStore } from '../directory/store.ts';

export function personView(p: StoredPerson): Person {
	return { id: p.id, username: p.username, name: p.name, org: p.org, role: p.role, disabled: p.disabled };
}

export function publicUser(store: DirectoryStore, p: StoredPerson): PublicUser {
	const user: PublicUser = { id: p.id, name: p.name, org: store.organisation(p.org)?.name ?? p.org, orgId: p.org, role: p.role, username: p.username, ...(p.admin ? { admin: true } : {}) };
	const personalDocumentId = store.personalDocumentId(p.id);
	return personalDocumentId === undefined ? user : { ...user, personalDocumentId };
}

export function conversationView(store: DirectoryStore, c: ConversationRecord): RegisteredConversation {
	const documents = store.documentsOf(c.id).map((d) => ({ documentId: d.documentId, kind: d.kind }));
	return { id: c.id, kind: c.kind, caseId: c.caseId, members: [...c.members], createdBy: c.createdBy, createdAt: c.createdAt, documents };
}

/** Own organisation and GFMS (engineers: everyone), enabled people only, and the cases the person may see. */
export function directoryView(store: DirectoryStore, actor: StoredPerson): DirectoryView {
	const organisations = store.organisations().filter((o) => canSeeOrganisation(actor, o.id));
	const people = store.people().filter((p) => !p.disabled && canSeePerson(actor, p)).map(personView);
	const cases = store.cases().filter((c) => canSeeCase(actor, c));
	return { organisations, people, cases };
}
