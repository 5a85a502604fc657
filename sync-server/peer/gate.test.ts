// The signal gate after a removal: frames of a connection allowed earlier stop as soon as one end is no longer a
// member, and revoke names the pairs to hang up on, only for that conversation.
import { describe, expect, it } from 'vitest';
import type { UserId } from '../../src/lib/model/ids.ts';
import { createSignalGate } from './gate.ts';

function setup() {
	const members = new Map<string, Set<string>>([
		['convA', new Set(['petr', 'tomas'])],
		['convB', new Set(['petr', 'tomas'])]
	]);
	const gate = createSignalGate((user, conversation) => members.get(conversation)?.has(user) ?? false);
	const frame = (type: string, dst: string, connectionId: string, conversationId?: string) =>
		JSON.stringify({ type, dst, payload: { connectionId, metadata: conversationId ? { conversationId } : undefined } });
	return { members, gate, frame };
}

describe('the signal gate and removals', () => {
	it('stops the answers and candidates of an allowed connection once one end is removed', () => {
		const { members, gate, frame } = setup();
		expect(gate.check('tomas-1', 'tomas' as UserId, frame('OFFER', 'petr-1', 'mc_a', 'convA')).action).toBe('forward');
		expect(gate.check('petr-1', 'petr' as UserId, frame('ANSWER', 'tomas-1', 'mc_a')).action).toBe('forward');
		// A connection id nobody offered goes nowhere, even between the same two peers.
		expect(gate.check('petr-1', 'petr' as UserId, frame('CANDIDATE', 'tomas-1', 'mc_other')).action).toBe('drop');
		members.get('convA')!.delete('tomas');
		expect(gate.check('petr-1', 'petr' as UserId, frame('CANDIDATE', 'tomas-1', 'mc_a')).action).toBe('drop');
		expect(gate.check('tomas-1', 'tomas' as UserId, frame('OFFER', 'petr-1', 'mc_b', 'convA')).action).toBe('refuse');
	});

	it('revokes only the removed conversation: the pair to hang up on, and no more', () => {
		const { members, gate, frame } = setup();
		gate.check('tomas-1', 'tomas' as UserId, frame('OFFER', 'petr-1', 'mc_a', 'convA'));
		gate.check('petr-1', 'petr' as UserId, frame('OFFER', 'tomas-1', 'dc_b', 'convB'));
		members.get('convA')!.delete('tomas');
		expect(gate.revoke(['tomas' as UserId], 'convA')).toEqual([['tomas-1', 'petr-1']]);
		expect(gate.revoke(['tomas' as UserId], 'convA')).toEqual([]);
		// The file transfer of convB, where both are still members, goes on.
		expect(gate.check('tomas-1', 'tomas' as UserId, frame('ANSWER', 'petr-1', 'dc_b')).action).toBe('forward');
		expect(gate.check('tomas-1', 'tomas' as UserId, frame('CANDIDATE', 'petr-1', 'mc_a')).action).toBe('drop');
	});
});
