import { describe, expect, it } from 'vitest';
import { asConversationId, asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import type { DirectoryEvent, StoredPerson } from '../directory/events.ts';
import { DirectoryState } from '../directory/state.ts';
import { directoryReads } from '../directory/store.ts';
import { directoryDifferences, directorySize } from './directory-compare.ts';

const person = (id: string): StoredPerson => ({ id: asUserId(id), username: id, name: id, org: asOrgId('acme'), role: 'customer', disabled: false, passwordHash: `hash-of-${id}`, tokenEpoch: 0 });
const conv = asConversationId('2k3Y5pCrQzFmW6bsfNPXp8akjGqE');
const [anna, tomas, petr] = [asUserId('anna'), asUserId('tomas'), asUserId('petr')];

function directory(...more: DirectoryEvent[]) {
	const state = new DirectoryState();
	const events: DirectoryEvent[] = [
		{ type: 'orgAdded', org: { id: asOrgId('acme'), name: 'Acme' } },
		...['anna', 'tomas', 'petr'].map((id): DirectoryEvent => ({ type: 'personAdded', person: person(id) })),
		{ type: 'conversationRegistered', conversation: { id: conv, kind: 'direct', caseId: null, members: [tomas, petr], createdBy: anna, createdAt: 1 } },
		{ type: 'membersRemoved', conversationId: conv, members: [anna], by: anna },
		...more
	];
	for (const event of events) state.apply(event);
	return { state, reads: directoryReads(state) };
}

describe('directoryDifferences', () => {
	it('finds none between a directory and its compacted copy, though the members come back in another order', () => {
		const { state, reads } = directory({ type: 'auditRecorded', entry: { at: 5, by: petr, action: 'person.disable', target: 'tomas' } });
		const copy = new DirectoryState();
		for (const event of state.snapshot()) copy.apply(event);
		expect(directoryDifferences(reads, directoryReads(copy))).toEqual([]);
		expect(directorySize(reads)).toBe('1 organisations, 3 people, 0 service cases, 1 conversations (2 memberships), 1 audit entries');
	});

	it('names what is missing, what is only in the target, and which fields differ, without their values', () => {
		const source = directory({ type: 'passwordSet', userId: tomas, passwordHash: 'new-hash' }, { type: 'membersAdded', conversationId: conv, members: [anna], by: petr });
		const target = directory({ type: 'personAdded', person: person('eva') });
		const found = directoryDifferences(source.reads, target.reads);
		expect(found).toEqual(['person tomas: passwordHash, tokenEpoch differ', 'person eva: only in the target', `conversation ${conv}: members differs`]);
		expect(found.join('\n')).not.toContain('new-hash');
		expect(directoryDifferences(source.reads, directoryReads(new DirectoryState()))).toEqual(
			expect.arrayContaining(['organisation acme: missing in the target', 'person anna: missing in the target', `conversation ${conv}: missing in the target`])
		);
	});
});
