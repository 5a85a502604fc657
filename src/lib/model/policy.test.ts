import { describe, expect, it } from 'vitest';
import { canSeePerson, checkAddMembers, checkNewConversation, checkRemoveMembers, mayRemove, selectablePeople } from './policy';
import type { Person, ServiceCase } from './directory';
import { asCaseId, asOrgId, asUserId } from './ids';

const person = (id: string, org: string, disabled = false): Person => ({
	id: asUserId(id),
	username: id,
	name: id,
	org: asOrgId(org),
	role: org === 'gfms' ? 'engineer' : 'customer',
	disabled
});
const petr = person('petr', 'gfms');
const eva = person('eva', 'gfms');
const anna = person('anna', 'acme');
const tomas = person('tomas', 'acme');
const jan = person('jan', 'beta');
const gone = person('gone', 'acme', true);
const everyone = [petr, eva, anna, tomas, jan, gone];
const sc1042: ServiceCase = { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT', org: asOrgId('acme') };
const sc2001: ServiceCase = { id: asCaseId('SC-2001'), number: 'SC-2001', title: 'FORM', org: asOrgId('beta') };

describe('who may talk to whom', () => {
	it('lets a customer start a direct chat only within their organisation', () => {
		expect(checkNewConversation(anna, { kind: 'direct' }, [tomas])).toBeNull();
		expect(checkNewConversation(anna, { kind: 'direct' }, [petr])).toMatchObject({ reason: 'person-not-allowed' });
		expect(checkNewConversation(anna, { kind: 'direct' }, [jan])).toMatchObject({ reason: 'person-not-allowed' });
	});

	it("lets a customer open a case chat on their own organisation's case with GFMS engineers", () => {
		expect(checkNewConversation(anna, { kind: 'case', serviceCase: sc1042 }, [petr, eva, tomas])).toBeNull();
		expect(checkNewConversation(anna, { kind: 'case', serviceCase: sc2001 }, [petr])).toMatchObject({ reason: 'case-not-visible' });
		expect(checkNewConversation(anna, { kind: 'case', serviceCase: sc1042 }, [jan])).toMatchObject({ reason: 'person-not-allowed' });
		expect(checkNewConversation(anna, { kind: 'case' }, [petr])).toMatchObject({ reason: 'case-required' });
	});

	it("lets an engineer add GFMS people, and the case organisation's customers on a case chat", () => {
		expect(checkNewConversation(petr, { kind: 'direct' }, [eva])).toBeNull();
		expect(checkNewConversation(petr, { kind: 'direct' }, [anna])).toMatchObject({ reason: 'person-not-allowed' });
		expect(checkNewConversation(petr, { kind: 'case', serviceCase: sc2001 }, [jan, eva])).toBeNull();
		expect(checkNewConversation(petr, { kind: 'case', serviceCase: sc2001 }, [anna])).toMatchObject({ reason: 'person-not-allowed' });
	});

	it('refuses disabled people and non-members adding people', () => {
		expect(checkNewConversation(petr, { kind: 'case', serviceCase: sc1042 }, [gone])).toMatchObject({ reason: 'person-disabled' });
		expect(checkAddMembers(tomas, false, { kind: 'case', serviceCase: sc1042 }, [anna])).toMatchObject({ reason: 'not-a-member' });
		expect(checkAddMembers(petr, true, { kind: 'case', serviceCase: sc1042 }, [tomas])).toBeNull();
		expect(checkAddMembers(petr, true, { kind: 'case', serviceCase: sc1042 }, [jan])).toMatchObject({ reason: 'person-not-allowed' });
	});

	it('offers in the picker exactly the people the relay would accept', () => {
		const names = (ps: Person[]) => ps.map((p) => p.id).sort();
		expect(names(selectablePeople(anna, { kind: 'direct' }, everyone))).toEqual(['tomas']);
		expect(names(selectablePeople(anna, { kind: 'case', serviceCase: sc1042 }, everyone))).toEqual(['eva', 'petr', 'tomas']);
		expect(names(selectablePeople(petr, { kind: 'case', serviceCase: sc1042 }, everyone))).toEqual(['anna', 'eva', 'tomas']);
	});

	it('shows a customer their own organisation and GFMS, and an engineer everyone', () => {
		expect(everyone.filter((p) => canSeePerson(anna, p))).toEqual([petr, eva, anna, tomas, gone]);
		expect(everyone.filter((p) => canSeePerson(jan, p))).toEqual([petr, eva, jan]);
		expect(everyone.filter((p) => canSeePerson(petr, p))).toEqual(everyone);
	});
});

describe('who may remove whom', () => {
	const members = [petr.id, eva.id, anna.id, tomas.id];

	it('lets a GFMS engineer remove anyone, engineers included, from a conversation they are in', () => {
		expect(checkRemoveMembers(petr, members, [anna])).toBeNull();
		expect(checkRemoveMembers(petr, members, [eva, tomas])).toBeNull();
		expect(mayRemove(petr, true, anna.id)).toBe(true);
	});

	it('lets anyone leave, and no customer remove someone else', () => {
		expect(checkRemoveMembers(anna, members, [anna])).toBeNull();
		expect(checkRemoveMembers(anna, members, [tomas])).toMatchObject({ reason: 'remove-not-allowed', person: tomas });
		expect(checkRemoveMembers(anna, members, [petr])).toMatchObject({ reason: 'remove-not-allowed' });
		expect(mayRemove(anna, true, anna.id)).toBe(true);
		expect(mayRemove(anna, true, tomas.id)).toBe(false);
	});

	it('refuses anyone who is not a member, engineers too', () => {
		expect(checkRemoveMembers(jan, members, [jan])).toMatchObject({ reason: 'not-a-member' });
		expect(checkRemoveMembers(petr, [eva.id, anna.id], [anna])).toMatchObject({ reason: 'not-a-member' });
		expect(mayRemove(petr, false, anna.id)).toBe(false);
	});

	it('keeps at least one member', () => {
		expect(checkRemoveMembers(petr, [petr.id], [petr])).toMatchObject({ reason: 'last-member' });
		expect(checkRemoveMembers(petr, [petr.id, anna.id], [petr, anna])).toMatchObject({ reason: 'last-member' });
		expect(checkRemoveMembers(petr, [petr.id, anna.id], [anna])).toBeNull();
	});

	it('ignores people who are not in the conversation', () => {
		expect(checkRemoveMembers(anna, [anna.id, tomas.id], [jan])).toBeNull();
	});
});
