import { describe, expect, it } from 'vitest';
import { callSignal, parseCallSignal, type CallHere } from './call-signal';

const here = callSignal<CallHere>({ kind: 'here', callId: 'm-1', startedAt: 1000, peer: 'anna-x1', seen: ['petr'], muted: false, camera: true, audioOnly: false, screen: false });

describe('call signals', () => {
	it('reads back what it writes', () => {
		expect(parseCallSignal(structuredClone(here))).toEqual(here);
		expect(parseCallSignal(callSignal({ kind: 'who' }))).toEqual({ caseroomCall: 1, kind: 'who' });
		expect(parseCallSignal(callSignal({ kind: 'bye', callId: 'm-1', peer: 'anna-x1' }))).toMatchObject({ kind: 'bye' });
	});

	it('ignores other ephemeral traffic, other versions and malformed messages', () => {
		expect(parseCallSignal({ __presence: { type: 'heartbeat' } })).toBeNull();
		expect(parseCallSignal(null)).toBeNull();
		expect(parseCallSignal({ ...here, caseroomCall: 2 })).toBeNull();
		expect(parseCallSignal({ ...here, muted: 'yes' })).toBeNull();
		expect(parseCallSignal({ ...here, seen: 'petr' })).toBeNull();
		expect(parseCallSignal({ ...here, peer: 'x'.repeat(500) })).toBeNull();
		expect(parseCallSignal({ ...here, startedAt: Number.NaN })).toBeNull();
		expect(parseCallSignal({ caseroomCall: 1, kind: 'bye' })).toBeNull();
	});

	it('keeps only the known fields', () => {
		expect(parseCallSignal({ ...here, extra: '<script>' })).not.toHaveProperty('extra');
	});
});
