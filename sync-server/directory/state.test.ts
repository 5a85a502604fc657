// Removing members from the directory state: memberships follow, the last member stays, and a compacted
// snapshot rebuilds the same members even when the creator has left (registering always adds the creator).
import { describe, expect, it } from 'vitest';
import { asCaseId, asConversationId, asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import type { StoredPerson } from './events.ts';
import { DirectoryError, DirectoryState, identityKey } from './state.ts';

const person = (id: string): StoredPerson => ({
	id: asUserId(id), username: id, name: id, org: asOrgId('acme'), role: 'customer', disabled: false, passwordHash: 'x', tokenEpoch: 0
});
const conv = asConversationId('2k3Y5pCrQzFmW6bsfNPXp8akjGqE');
const [anna, tomas, petr] = [asUserId('anna'), asUserId('tomas'), asUserId('petr')];

function world(): DirectoryState {
	const state = new DirectoryState();
	state.apply({ type: 'orgAdded', org: { id: asOrgId('acme'), name: 'Acme' } });
	for (const id of ['anna', 'tomas', 'petr']) state.apply({ type: 'personAdded', person: person(id) });
	state.apply({ type: 'conversationRegistered', conversation: { id: conv, kind: 'direct', caseId: null, members: [anna, tomas, petr], createdBy: anna, createdAt: 1 } });
	return state;
}

describe('conversationRegistered', () => {
	it('makes the creator a member, first, once, and records every membership', () => {
		const state = new DirectoryState();
		state.apply({ type: 'orgAdded', org: { id: asOrgId('acme'), name: 'Acme' } });
		for (const id of ['anna', 'tomas', 'petr']) state.apply({ type: 'personAdded', person: person(id) });
		state.apply({ type: 'conversationRegistered', conversation: { id: conv, kind: 'direct', caseId: null, members: [tomas, petr, tomas], createdBy: anna, createdAt: 1 } });
		expect(state.conversations.get(conv)!.members).toEqual([anna, tomas, petr]);
		for (const user of [anna, tomas, petr]) expect(state.memberships.get(user)?.has(conv)).toBe(true);
		expect(() => state.apply({ type: 'conversationRegistered', conversation: { id: conv, kind: 'direct', caseId: null, members: [petr], createdBy: anna, createdAt: 2 } })).toThrow(/already registered/);
	});
});

describe('membersRemoved', () => {
	it('takes people out of the conversation and their membership lists', () => {
		const state = world();
		state.apply({ type: 'membersRemoved', conversationId: conv, members: [tomas], by: anna });
		expect(state.conversations.get(conv)!.members).toEqual([anna, petr]);
		expect(state.memberships.get(tomas)?.has(conv)).toBe(false);
		expect(state.memberships.get(petr)?.has(conv)).toBe(true);
	});

	it('refuses to remove the last member, or from an unknown conversation', () => {
		const state = world();
		expect(() => state.apply({ type: 'membersRemoved', conversationId: conv, members: [anna, tomas, petr], by: anna })).toThrow(DirectoryError);
		expect(() => state.apply({ type: 'membersRemoved', conversationId: asConversationId('nope'), members: [anna], by: anna })).toThrow(/No conversation/);
		expect(state.conversations.get(conv)!.members).toHaveLength(3);
	});

	it('survives compaction when the creator has left', () => {
		const state = world();
		state.apply({ type: 'membersRemoved', conversationId: conv, members: [anna], by: anna });
		const rebuilt = new DirectoryState();
		for (const event of state.snapshot()) rebuilt.apply(event);
		expect(rebuilt.conversations.get(conv)!.members).toEqual([tomas, petr]);
		expect(rebuilt.memberships.get(anna)?.has(conv) ?? false).toBe(false);
	});
});

describe("administrators' events", () => {
	it('changes a person and a case, keeps the audit log, and a compacted snapshot rebuilds all of it', () => {
		const state = world();
		state.apply({ type: 'orgAdded', org: { id: asOrgId('beta'), name: 'Beta' } });
		state.apply({ type: 'personChanged', userId: tomas, change: { org: asOrgId('beta'), admin: true } });
		expect(state.people.get(tomas)).toMatchObject({ org: 'beta', admin: true, role: 'customer', tokenEpoch: 0 });
		expect(() => state.apply({ type: 'personChanged', userId: tomas, change: { org: asOrgId('nowhere') } })).toThrow(/No organisation "nowhere"/);

		const serviceCase = { id: asCaseId('SC-1'), number: 'SC-1', title: 'Spindle', org: asOrgId('acme') };
		expect(() => state.apply({ type: 'caseUpdated', serviceCase })).toThrow(/No service case SC-1/);
		state.apply({ type: 'caseAdded', serviceCase });
		state.apply({ type: 'caseUpdated', serviceCase: { ...serviceCase, title: 'Spindle noise', closed: true } });
		expect(state.cases.get(serviceCase.id)).toEqual({ ...serviceCase, title: 'Spindle noise', closed: true });

		const entry = { at: 5, by: anna, action: 'case.close', target: 'SC-1' } as const;
		state.apply({ type: 'auditRecorded', entry });
		const rebuilt = new DirectoryState();
		for (const event of state.snapshot()) rebuilt.apply(event);
		expect(rebuilt.people.get(tomas)).toEqual(state.people.get(tomas));
		expect(rebuilt.cases.get(serviceCase.id)).toEqual(state.cases.get(serviceCase.id));
		expect(rebuilt.audit).toEqual([entry]);
		expect(rebuilt.liveEntityCount()).toBe(state.liveEntityCount());
	});
});

describe('personAddedBySignIn', () => {
	const identity = { provider: 'acme', subject: '0042' };
	it('links the person to the provider and subject, once, and keeps the link through compaction', () => {
		const state = world();
		state.apply({ type: 'personAddedBySignIn', person: person('lena'), identity });
		expect(state.identities.get(identityKey(identity))).toBe('lena');
		expect(state.people.get(asUserId('lena'))?.name).toBe('lena');
		expect(() => state.apply({ type: 'personAddedBySignIn', person: person('lena-2'), identity })).toThrow(/already has a person/);
		expect(() => state.apply({ type: 'personAddedBySignIn', person: person('anna'), identity: { provider: 'acme', subject: '7' } })).toThrow(/already taken/);
		// Another provider's subject "0042" is someone else.
		state.apply({ type: 'personAddedBySignIn', person: person('lena-2'), identity: { provider: 'gfms', subject: '0042' } });
		const rebuilt = new DirectoryState();
		for (const event of state.snapshot()) rebuilt.apply(event);
		expect(rebuilt.identities.get(identityKey(identity))).toBe('lena');
		expect(rebuilt.identityOf.get(asUserId('lena-2'))).toEqual({ provider: 'gfms', subject: '0042' });
		expect(rebuilt.identityOf.has(anna)).toBe(false);
	});
});
