import { describe, expect, it } from 'vitest';
import { ConnectionState, type ConnectionSnapshot } from './connection-state';

describe('ConnectionState', () => {
	it('starts offline, calls a subscriber at once and on each change, and stops after unsubscribe', () => {
		const state = new ConnectionState();
		const seen: ConnectionSnapshot[] = [];
		const stop = state.subscribe((s) => seen.push(s));
		state.update({ status: 'connecting' });
		state.update({ status: 'connecting' }); // no change, no call
		state.update({ status: 'online', relayStorageId: 'r1' });
		stop();
		state.update({ status: 'offline', lastError: 'closed' });
		expect(seen.map((s) => s.status)).toEqual(['offline', 'connecting', 'online']);
		expect(seen[2]?.relayStorageId).toBe('r1');
		expect(state.current).toMatchObject({ status: 'offline', lastError: 'closed', relayStorageId: 'r1' });
	});
});
