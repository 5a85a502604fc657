import { describe, expect, it } from 'vitest';
import { asOrgId } from '../../src/lib/model/ids.ts';
import { displayName, matchingRule, newUsername } from './claim-rules.ts';
import type { ClaimRule } from './provider-config.ts';

const engineers: ClaimRule = { emailDomains: ['gfms.example'], org: asOrgId('gfms'), role: 'engineer' };
const customers: ClaimRule = { claim: 'groups', value: 'caseroom', org: asOrgId('acme'), role: 'customer' };
const both: ClaimRule = { emailDomains: ['acme.example'], claim: 'department', value: 'service', org: asOrgId('acme'), role: 'customer' };

describe('claim rules', () => {
	it('lets in by email domain, only with an email not said to be unverified', () => {
		expect(matchingRule([engineers], { email: 'Karel@GFMS.example' })).toBe(engineers);
		expect(matchingRule([engineers], { email: 'karel@gfms.example', email_verified: true })).toBe(engineers);
		expect(matchingRule([engineers], { email: 'karel@gfms.example', email_verified: false })).toBeNull();
		expect(matchingRule([engineers], { email: 'karel@gfms.example.evil.org' })).toBeNull();
		expect(matchingRule([engineers], { email: 'karel@sub.gfms.example' })).toBeNull();
		expect(matchingRule([engineers], {})).toBeNull();
	});

	it('lets in by a group or other claim, first rule first, every condition of a rule', () => {
		expect(matchingRule([engineers, customers], { groups: ['staff', 'caseroom'] })).toBe(customers);
		expect(matchingRule([customers], { groups: 'caseroom' })).toBe(customers);
		expect(matchingRule([customers], { groups: ['caseroom-admins'] })).toBeNull();
		expect(matchingRule([customers], { groups: [{ name: 'caseroom' }] })).toBeNull();
		expect(matchingRule([both], { email: 'a@acme.example', department: 'service' })).toBe(both);
		expect(matchingRule([both], { email: 'a@acme.example', department: 'sales' })).toBeNull();
		const anyone: ClaimRule = { anyone: true, org: asOrgId('acme'), role: 'customer' };
		expect(matchingRule([engineers, anyone], { sub: 'x' })).toBe(anyone);
	});

	it('names a new person from the claims', () => {
		expect(displayName({ name: 'Karel Dvořák', email: 'k@gfms.example' })).toBe('Karel Dvořák');
		expect(displayName({ given_name: 'Karel', family_name: 'Dvořák' })).toBe('Karel Dvořák');
		expect(displayName({ email: 'k@gfms.example', sub: '123' })).toBe('k@gfms.example');
		expect(displayName({ sub: '123' })).toBe('123');
	});

	it('gives a username of the local kind, unique', () => {
		const taken = new Set(['anna', 'anna-2']);
		expect(newUsername({ preferred_username: 'Karel.Dvořák@corp' }, () => false)).toBe('karel.dvorak');
		expect(newUsername({ email: 'anna@acme.example' }, (u) => taken.has(u))).toBe('anna-3');
		expect(newUsername({ email: 'Ž@x.example' }, () => false)).toBe('z');
		expect(newUsername({ sub: 'x' }, () => false)).toBe('person');
	});
});
