// Reads no UI state. CONTRACT.md's "Who may talk to whom" as pure functions: the relay enforces them,
// the app uses the same ones to offer only the people a person may add.
import { isEngineer, type Person, type ServiceCase } from './directory';
import type { OrgId, UserId } from './ids';

export type ConversationKind = 'direct' | 'case';

export interface ConversationScope {
	kind: ConversationKind;
	/** The linked case; required for kind 'case', optional for 'direct' (a reference only, no widening). */
	serviceCase?: ServiceCase;
}

export type PolicyRefusal =
	| { reason: 'case-required' }
	| { reason: 'case-not-visible'; caseNumber: string }
	| { reason: 'person-not-allowed'; person: Person }
	| { reason: 'person-disabled'; person: Person }
	| { reason: 'not-a-member' }
	| { reason: 'remove-not-allowed'; person: Pick<Person, 'id' | 'name'> }
	| { reason: 'last-member' };

/** Which service cases a person may see and link: engineers every case, customers their organisation's. */
export function canSeeCase(actor: Person, serviceCase: ServiceCase): boolean {
	return isEngineer(actor) || serviceCase.org === actor.org;
}

/** Which organisations the directory shows `actor`: their own and GFMS; a GFMS engineer sees every one. */
export function canSeeOrganisation(actor: Person, org: OrgId): boolean {
	return isEngineer(actor) || isEngineer({ org }) || org === actor.org;
}

/** Whom the directory shows `actor`: the people of the organisations they may see. */
export function canSeePerson(actor: Person, person: Pick<Person, 'org'>): boolean {
	return canSeeOrganisation(actor, person.org);
}

/**
 * Whether `actor` may have `person` in a conversation of this scope.
 * Direct chat: only the actor's own organisation. Service case chat: GFMS and the case's organisation.
 */
export function mayInclude(actor: Person, scope: ConversationScope, person: Person): boolean {
	if (person.disabled) return false;
	if (scope.kind === 'direct') return person.org === actor.org;
	const sc = scope.serviceCase;
	if (!sc || !canSeeCase(actor, sc)) return false;
	return isEngineer(person) || person.org === sc.org;
}

/** Checks a whole new conversation: its scope and every member (the creator is always one). */
export function checkNewConversation(
	actor: Person,
	scope: ConversationScope,
	members: readonly Person[]
): PolicyRefusal | null {
	if (scope.kind === 'case' && !scope.serviceCase) return { reason: 'case-required' };
	if (scope.serviceCase && !canSeeCase(actor, scope.serviceCase))
		return { reason: 'case-not-visible', caseNumber: scope.serviceCase.number };
	return checkMembers(actor, scope, members);
}

/** Checks people added later by an existing member; the same rule as at creation. */
export function checkAddMembers(
	actor: Person,
	actorIsMember: boolean,
	scope: ConversationScope,
	added: readonly Person[]
): PolicyRefusal | null {
	if (!actorIsMember) return { reason: 'not-a-member' };
	return checkMembers(actor, scope, added);
}

function checkMembers(actor: Person, scope: ConversationScope, people: readonly Person[]) {
	for (const person of people) {
		if (person.disabled) return { reason: 'person-disabled', person } as const;
		if (!mayInclude(actor, scope, person)) return { reason: 'person-not-allowed', person } as const;
	}
	return null;
}

/**
 * Whether `actor` may take `target` out of a conversation `actor` is a member of. Why these rules: anyone may leave
 * (nobody is kept in a conversation against their will); a GFMS engineer runs the service case and answers for who
 * sees it, so they may remove anyone, as they may add people; a customer may add people but not push others out,
 * or a customer could lock the engineer (or a colleague) out of their own case. Needs the actor to be a member.
 */
export function mayRemove(actor: Pick<Person, 'id' | 'org'>, actorIsMember: boolean, target: UserId): boolean {
	return actorIsMember && (target === actor.id || isEngineer(actor));
}

/**
 * Checks a removal from a conversation whose current members are `members`: each removed person by `mayRemove`,
 * and at least one member must stay (a conversation nobody can read would be lost to everyone, files and all).
 * People who are not members are ignored: removing them again changes nothing.
 */
export function checkRemoveMembers(
	actor: Pick<Person, 'id' | 'org'>,
	members: readonly UserId[],
	removed: readonly Pick<Person, 'id' | 'name'>[]
): PolicyRefusal | null {
	const actorIsMember = members.includes(actor.id);
	if (!actorIsMember) return { reason: 'not-a-member' };
	const leaving = removed.filter((p) => members.includes(p.id));
	for (const person of leaving) if (!mayRemove(actor, actorIsMember, person.id)) return { reason: 'remove-not-allowed', person };
	const ids = new Set(leaving.map((p) => p.id));
	if (members.every((m) => ids.has(m))) return { reason: 'last-member' };
	return null;
}

/** The people `actor` may pick in the New conversation dialog for this scope (not themselves). */
export function selectablePeople(actor: Person, scope: ConversationScope, everyone: readonly Person[]) {
	return everyone.filter((p) => p.id !== actor.id && mayInclude(actor, scope, p));
}

export function describeRefusal(r: PolicyRefusal): string {
	switch (r.reason) {
		case 'case-required':
			return 'A service case chat needs a service case.';
		case 'case-not-visible':
			return `Service case ${r.caseNumber} belongs to another organisation.`;
		case 'person-not-allowed':
			return `${r.person.name} cannot be in this conversation: the policy allows only your organisation (and GFMS with the case's organisation on a service case chat).`;
		case 'person-disabled':
			return `${r.person.name}'s account is disabled.`;
		case 'not-a-member':
			return 'Only members of a conversation can change who is in it.';
		case 'remove-not-allowed':
			return `You cannot remove ${r.person.name}: a customer may only leave a conversation; a GFMS engineer may remove others.`;
		case 'last-member':
			return 'A conversation keeps at least one member: it cannot lose its last one.';
	}
}
