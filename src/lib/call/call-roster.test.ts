import { describe, expect, it } from 'vitest';
import { callSignal, type CallHere } from './call-signal';
import { applySignal, placesCall, pruneRoster, runningCall, type Roster } from './call-roster';

const here = (peer: string, extra: Partial<CallHere> = {}) =>
	callSignal<CallHere>({ kind: 'here', callId: 'call-a', startedAt: 100, peer, seen: [], muted: false, camera: true, audioOnly: false, screen: false, ...extra });
const empty: Roster = new Map();

describe('call roster', () => {
	it('adds people as they say they are here, and removes them when they leave', () => {
		let r = applySignal(empty, here('anna-1'), 'anna:sync1', 10);
		r = applySignal(r, here('petr-9', { muted: true }), 'petr:sync2', 20);
		expect([...r.keys()]).toEqual(['anna-1', 'petr-9']);
		expect(r.get('petr-9')).toMatchObject({ user: 'petr', muted: true, lastSeen: 20 });
		r = applySignal(r, callSignal({ kind: 'bye', callId: 'call-a', peer: 'anna-1' }), 'anna:sync1', 30);
		expect([...r.keys()]).toEqual(['petr-9']);
	});

	it("ignores a signal about someone else's call peer", () => {
		expect(applySignal(empty, here('petr-9'), 'jan:sync', 1).size).toBe(0);
		const r = applySignal(empty, here('petr-9'), 'petr:sync', 1);
		expect(applySignal(r, callSignal({ kind: 'bye', callId: 'call-a', peer: 'petr-9' }), 'anna:sync', 2).size).toBe(1);
	});

	it('forgets those not heard from within the time to live', () => {
		let r = applySignal(empty, here('anna-1'), 'anna:s', 0);
		r = applySignal(r, here('petr-1'), 'petr:s', 5000);
		expect(pruneRoster(r, 5400, 5500)).toBe(r);
		expect([...pruneRoster(r, 7000, 5500).keys()]).toEqual(['petr-1']);
	});

	it('settles two calls started at once on the earliest, with everyone ever in it', () => {
		expect(runningCall(empty)).toBeNull();
		let r = applySignal(empty, here('petr-1', { callId: 'call-b', startedAt: 200, seen: ['petr', 'eva'] }), 'petr:s', 0);
		r = applySignal(r, here('anna-1', { callId: 'call-a', startedAt: 100 }), 'anna:s', 0);
		const call = runningCall(r)!;
		expect(call).toMatchObject({ callId: 'call-a', startedAt: 100, seen: ['anna', 'eva', 'petr'] });
		expect(call.participants.map((p) => p.user)).toEqual(['anna', 'petr']);
	});

	it('lets exactly one side of each pair place the media call', () => {
		expect(placesCall('anna-1', 'petr-1')).toBe(true);
		expect(placesCall('petr-1', 'anna-1')).toBe(false);
	});
});
