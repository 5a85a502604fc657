// What administrators see of the directory (the admin page's lists, `npm run admin -- conversations|audit`): every
// person, organisation, case and conversation, never a password hash, and the audit log newest first.
import type { AdminAuditEntry, AdminConversation, AdminPerson } from '../../src/lib/model/admin.ts';
import type { StoredPerson } from '../directory/events.ts';
import type { DirectoryStore } from '../directory/store.ts';

/** The audit log's newest entries the admin page shows; the journal keeps them all. */
export const AUDIT_PAGE = 500;

export function adminPerson(store: DirectoryStore, p: StoredPerson): AdminPerson {
	return { id: p.id, username: p.username, name: p.name, org: p.org, orgName: store.organisation(p.org)?.name ?? p.org, role: p.role, disabled: p.disabled, admin: p.admin ?? false };
}

export function adminPeople(store: DirectoryStore): AdminPerson[] {
	return store
		.people()
		.map((p) => adminPerson(store, p))
		.sort((a, b) => a.username.localeCompare(b.username));
}

export function adminConversations(store: DirectoryStore): AdminConversation[] {
	return store
		.conversations()
		.map((c) => ({
			id: c.id,
			kind: c.kind,
			caseNumber: c.caseId === null ? null : (store.serviceCase(c.caseId)?.number ?? c.caseId),
			members: c.members.map((id) => ({ id, name: store.person(id)?.name ?? id })),
			createdBy: c.createdBy,
			createdAt: c.createdAt
		}))
		.sort((a, b) => b.createdAt - a.createdAt);
}

export function adminAudit(store: DirectoryStore, limit = AUDIT_PAGE): AdminAuditEntry[] {
	const log = store.auditLog();
	return log
		.slice(Math.max(0, log.length - limit))
		.reverse()
		.map((e) => ({ ...e, byName: e.by === null ? null : (store.person(e.by)?.name ?? e.by) }));
}

