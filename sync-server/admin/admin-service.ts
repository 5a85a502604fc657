// What an administrator can change, written once: `npm run admin` (commands.ts) and /api/admin (http/api-admin.ts)
// both call these, so the command line and the admin page can never drift. Each change is checked, made durable,
// then recorded in the audit log (a directory event too), and then takes effect at once (a disabled person or a
// removed member is cut off). Refusals are AdminErrors with a sentence for the person.
import type { AdminOutcome, AuditAction, AuditEntry } from '../../src/lib/model/admin.ts';
import { ENGINEERS_ORG, type Role } from '../../src/lib/model/directory.ts';
import { asCaseId, asOrgId, asUserId, type UserId } from '../../src/lib/model/ids.ts';
import { generatePassword, hashPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords.ts';
import type { StoredPerson } from '../directory/events.ts';
import { documentsOfConversation, type DirectoryStore } from '../directory/store.ts';
import { CASE_NUMBER, MAX_TITLE_LENGTH, parseCaseFile, planCaseImport, type ImportFormat } from './case-import.ts';

export interface AdminDeps {
	store: DirectoryStore;
	/** Close the person's connections (sync, calls) at once. */
	cutOff(userId: UserId): void;
	/** These people lose the conversation at once: its documents, files and calls. */
	accessRevoked?(userIds: UserId[], conversationId: string, documentIds: string[]): void;
	now?: () => number;
}

/** Who acts: an administrator through /api/admin, or null for the command line on the relay's machine. */
export type AdminActor = StoredPerson | null;

export class AdminError extends Error {
	constructor(
		message: string,
		readonly status: 400 | 404 | 409 = 400
	) {
		super(message);
	}
}

export interface NewPerson {
	username: string;
	name: string;
	org: string;
	role: string;
	/** Absent: one is generated and shown once. */
	password?: string;
	admin?: boolean;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ORG_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const MAX_NAME_LENGTH = 200;

export async function addPerson(deps: AdminDeps, actor: AdminActor, input: NewPerson): Promise<AdminOutcome & { password?: string }> {
	const username = input.username.trim().toLowerCase();
	if (!USERNAME.test(username)) fail('A username is 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.');
	const name = displayName(input.name, 'A person');
	if (input.role !== 'engineer' && input.role !== 'customer') fail('The role must be engineer or customer.');
	const org = knownOrg(deps.store, input.org);
	if (deps.store.personByUsername(username)) fail(`The username "${username}" is already taken.`, 409);
	const { password, shown } = passwordFrom(input.password);
	const person: StoredPerson = { id: asUserId(username), username, name, org, role: input.role as Role, disabled: false, passwordHash: await hashPassword(password), tokenEpoch: 0 };
	await deps.store.commit({ type: 'personAdded', person: input.admin ? { ...person, admin: true } : person });
	await audit(deps, actor, 'person.add', username, input.admin ? `${org}, ${input.role}, admin` : `${org}, ${input.role}`);
	return { message: `Added ${username} (${name}, ${org}, ${input.role}${input.admin ? ', administrator' : ''}).${shown ? `\nPassword (shown once): ${password}` : ''}`, ...(shown ? { password } : {}) };
}

export async function setDisabled(deps: AdminDeps, actor: AdminActor, username: string | undefined, disabled: boolean): Promise<AdminOutcome> {
	const person = personNamed(deps.store, username);
	if (disabled && actor?.id === person.id) fail('You cannot disable your own account: ask another administrator.');
	if (person.disabled === disabled) return { message: `${person.username} is already ${disabled ? 'disabled' : 'enabled'}.` };
	await deps.store.commit({ type: disabled ? 'personDisabled' : 'personEnabled', userId: person.id });
	await audit(deps, actor, disabled ? 'person.disable' : 'person.enable', person.username);
	if (disabled) deps.cutOff(person.id);
	return { message: disabled ? `Disabled ${person.username}: signed out everywhere, sign-ins refused.` : `Enabled ${person.username}.` };
}

export async function resetPassword(deps: AdminDeps, actor: AdminActor, username: string | undefined, given?: string): Promise<AdminOutcome & { password?: string }> {
	const person = personNamed(deps.store, username);
	const { password, shown } = passwordFrom(given);
	await deps.store.commit({ type: 'passwordSet', userId: person.id, passwordHash: await hashPassword(password) });
	await audit(deps, actor, 'person.password', person.username);
	deps.cutOff(person.id);
	return { message: `Reset the password of ${person.username}; their devices must sign in again.${shown ? `\nPassword (shown once): ${password}` : ''}`, ...(shown ? { password } : {}) };
}

/** Moves a person to another organisation; the role follows it (GFMS: engineer, any other: customer). */
export async function changeOrganisation(deps: AdminDeps, actor: AdminActor, username: string | undefined, orgId: string): Promise<AdminOutcome> {
	const person = personNamed(deps.store, username);
	const org = knownOrg(deps.store, orgId);
	if (person.org === org) return { message: `${person.username} is already in ${org}.` };
	const role: Role = org === ENGINEERS_ORG ? 'engineer' : 'customer';
	await deps.store.commit({ type: 'personChanged', userId: person.id, change: { org, role } });
	await audit(deps, actor, 'person.organisation', person.username, `${person.org} → ${org}`);
	return { message: `Moved ${person.username} from ${person.org} to ${org} (${role}). Their conversations stay; remove them where they no longer belong.` };
}

export async function setAdmin(deps: AdminDeps, actor: AdminActor, username: string | undefined, admin: boolean): Promise<AdminOutcome> {
	const person = personNamed(deps.store, username);
	if (!admin && actor?.id === person.id) fail('You cannot take away your own administrator rights: ask another administrator.');
	if ((person.admin ?? false) === admin) return { message: `${person.username} is already ${admin ? 'an administrator' : 'not an administrator'}.` };
	await deps.store.commit({ type: 'personChanged', userId: person.id, change: { admin } });
	await audit(deps, actor, 'person.admin', person.username, admin ? 'on' : 'off');
	return { message: admin ? `${person.username} is now an administrator.` : `${person.username} is no longer an administrator.` };
}

export async function addOrganisation(deps: AdminDeps, actor: AdminActor, input: { id: string; name: string }): Promise<AdminOutcome> {
	const id = input.id.trim().toLowerCase();
	if (!ORG_ID.test(id)) fail('An organisation id is 1-32 lower-case letters, digits or "-".');
	const name = displayName(input.name, 'An organisation');
	if (deps.store.organisation(asOrgId(id))) fail(`The organisation "${id}" already exists.`, 409);
	await deps.store.commit({ type: 'orgAdded', org: { id: asOrgId(id), name } });
	await audit(deps, actor, 'organisation.add', id, name);
	return { message: `Added organisation ${id} (${name}).` };
}

export async function addCase(deps: AdminDeps, actor: AdminActor, input: { number: string; title: string; org: string }): Promise<AdminOutcome> {
	const number = input.number.trim();
	if (!CASE_NUMBER.test(number)) fail('A case number is 1-32 letters, digits, ".", "_", "/" or "-", without spaces.');
	const title = input.title.trim();
	if (!title || title.length > MAX_TITLE_LENGTH) fail(`A case needs a title of at most ${MAX_TITLE_LENGTH} characters.`);
	const org = knownOrg(deps.store, input.org);
	if (deps.store.serviceCase(asCaseId(number))) fail(`Service case ${number} already exists.`, 409);
	await deps.store.commit({ type: 'caseAdded', serviceCase: { id: asCaseId(number), number, title, org } });
	await audit(deps, actor, 'case.add', number, org);
	return { message: `Added service case ${number} "${title}" (${org}).` };
}

export async function setCaseClosed(deps: AdminDeps, actor: AdminActor, number: string | undefined, closed: boolean): Promise<AdminOutcome> {
	const serviceCase = deps.store.serviceCase(asCaseId(number?.trim() ?? '')) ?? fail(`There is no service case "${number ?? ''}".`, 404);
	if ((serviceCase.closed ?? false) === closed) return { message: `Service case ${serviceCase.number} is already ${closed ? 'closed' : 'open'}.` };
	const { id, number: caseNumber, title, org } = serviceCase;
	await deps.store.commit({ type: 'caseUpdated', serviceCase: { id, number: caseNumber, title, org, ...(closed ? { closed } : {}) } });
	await audit(deps, actor, closed ? 'case.close' : 'case.reopen', serviceCase.number);
	return { message: `${closed ? 'Closed' : 'Reopened'} service case ${serviceCase.number}.` };
}

/** Adds and updates service cases from a case system's export; the same file twice changes nothing. */
export async function importCases(deps: AdminDeps, actor: AdminActor, input: { format: ImportFormat; text: string; fileName?: string }): Promise<AdminOutcome & { counts: AuditEntry['counts'] }> {
	const { store } = deps;
	const plan = planCaseImport(parseCaseFile(input.format, input.text), store.organisations(), store.cases());
	for (const serviceCase of plan.add) await store.commit({ type: 'caseAdded', serviceCase });
	for (const serviceCase of plan.update) await store.commit({ type: 'caseUpdated', serviceCase });
	const { added, updated, unchanged } = plan.counts;
	await audit(deps, actor, 'case.import', input.fileName?.slice(0, 200) || input.format.toUpperCase(), undefined, plan.counts);
	return { message: `Imported service cases: ${added} added, ${updated} updated, ${unchanged} unchanged.`, counts: plan.counts };
}

/** Takes one person out of a conversation; they lose it (documents, files, calls) at once. */
export async function removeMember(deps: AdminDeps, actor: AdminActor, conversationId: string, username: string | undefined): Promise<AdminOutcome> {
	const { store } = deps;
	const conversation = store.conversation(conversationId) ?? fail(`There is no conversation ${conversationId}.`, 404);
	const person = personNamed(store, username);
	if (!conversation.members.includes(person.id)) fail(`${person.username} is not a member of this conversation.`);
	if (conversation.members.length === 1) fail(`${person.username} is the last member; a conversation keeps at least one.`);
	// The journal names who removed them: the administrator, or for the command line the person themself.
	await store.commit({ type: 'membersRemoved', conversationId: conversation.id, members: [person.id], by: actor?.id ?? person.id });
	await audit(deps, actor, 'conversation.removeMember', conversation.id, person.username);
	deps.accessRevoked?.([person.id], conversation.id, documentsOfConversation(store, conversation.id));
	return { message: `Removed ${person.username} from conversation ${conversation.id}.` };
}

async function audit(deps: AdminDeps, actor: AdminActor, action: AuditAction, target: string, detail?: string, counts?: AuditEntry['counts']): Promise<void> {
	const entry: AuditEntry = { at: (deps.now ?? Date.now)(), by: actor?.id ?? null, action, target, ...(detail === undefined ? {} : { detail }), ...(counts ? { counts } : {}) };
	await deps.store.commit({ type: 'auditRecorded', entry });
}

function personNamed(store: DirectoryStore, username: string | undefined): StoredPerson {
	if (!username?.trim()) fail('Name the person by their username.');
	return store.personByUsername(username.trim().toLowerCase()) ?? fail(`There is no person "${username}".`, 404);
}

function knownOrg(store: DirectoryStore, id: string) {
	const org = asOrgId(id.trim().toLowerCase());
	if (!store.organisation(org)) fail(`There is no organisation "${id}". Add it first.`);
	return org;
}

function displayName(value: string, what: string): string {
	const name = value.trim();
	if (!name || name.length > MAX_NAME_LENGTH) fail(`${what} needs a name of 1 to ${MAX_NAME_LENGTH} characters.`);
	return name;
}

function passwordFrom(given: string | undefined): { password: string; shown: boolean } {
	if (given === undefined || given === '') return { password: generatePassword(), shown: true };
	if (given.length < 8 || given.length > MAX_PASSWORD_LENGTH) fail(`A password needs 8 to ${MAX_PASSWORD_LENGTH} characters.`);
	return { password: given, shown: false };
}

function fail(message: string, status: 400 | 404 | 409 = 400): never {
	throw new AdminError(message, status);
}
