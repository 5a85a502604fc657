// Reads no UI state. CONTRACT.md's "Who may talk to whom" as pure functions: the relay enforces them,
// the app uses the same ones to offer only the people a person may add.
import { isEngineer, type Person, type ServiceCase } from './directory';
import type { OrgId } from './ids';

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
	| { reason: 'not-a-member' };

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
			return 'Only members of a conversation can add people to it.';
	}
}
