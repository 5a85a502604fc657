// Removing members from the directory state: memberships follow, the last member stays, and a compacted
// snapshot rebuilds the same members even when the creator has left (registering always adds the creator).
import { describe, expect, it } from 'vitest';
import { asConversationId, asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import type { StoredPerson } from './events.ts';
import { DirectoryError, DirectoryState } from './state.ts';

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
