// /api/admin as the admin page calls it: typed, with the relay's refusals as RelayApiErrors (relay-api.ts).
import type { AdminAuditEntry, AdminConversation, AdminOutcome, AdminPerson, ImportCounts } from '$lib/model/admin';
import type { Organisation, ServiceCase } from '$lib/model/directory';
import { createApiCall } from '$lib/conferencing/relay-api';

export interface NewPersonInput {
	username: string;
	name: string;
	org: string;
	role: 'engineer' | 'customer';
	/** Empty: the relay generates one and answers it once. */
	password: string;
	admin: boolean;
}

/** A change that may answer a generated password (shown to the administrator once). */
export type PasswordOutcome = AdminOutcome & { password?: string };

export function createAdminApi(token: string, fetchFn?: typeof fetch) {
	const call = createApiCall(token, fetchFn);
	const seg = encodeURIComponent;
	return {
		people: () => call<AdminPerson[]>('/api/admin/people'),
		organisations: () => call<Organisation[]>('/api/admin/organisations'),
		cases: () => call<ServiceCase[]>('/api/admin/cases'),
		conversations: () => call<AdminConversation[]>('/api/admin/conversations'),
		audit: () => call<AdminAuditEntry[]>('/api/admin/audit'),
		addPerson: (p: NewPersonInput) => call<PasswordOutcome>('/api/admin/people', { ...p, password: p.password || undefined }),
		setDisabled: (username: string, disabled: boolean) => call<AdminOutcome>(`/api/admin/people/${seg(username)}/${disabled ? 'disable' : 'enable'}`, {}),
		resetPassword: (username: string, password: string) => call<PasswordOutcome>(`/api/admin/people/${seg(username)}/password`, { password: password || undefined }),
		changeOrganisation: (username: string, org: string) => call<AdminOutcome>(`/api/admin/people/${seg(username)}/organisation`, { org }),
		addOrganisation: (id: string, name: string) => call<AdminOutcome>('/api/admin/organisations', { id, name }),
		addCase: (number: string, title: string, org: string) => call<AdminOutcome>('/api/admin/cases', { number, title, org }),
		setCaseClosed: (number: string, closed: boolean) => call<AdminOutcome>(`/api/admin/cases/${seg(number)}/${closed ? 'close' : 'reopen'}`, {}),
		importCases: (format: 'csv' | 'json', text: string, fileName: string) => call<AdminOutcome & { counts: ImportCounts }>('/api/admin/cases/import', { format, text, fileName }),
		removeMember: (conversationId: string, username: string) => call<AdminOutcome>(`/api/admin/conversations/${seg(conversationId)}/members/remove`, { username })
	};
}

export type AdminApi = ReturnType<typeof createAdminApi>;
