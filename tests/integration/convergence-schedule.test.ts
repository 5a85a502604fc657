// The convergence schedule replays: a seed gives the same steps, and a schedule holds what the test promises
// (messages, whiteboard edits, disconnects and reconnects, reloads, each relay kill followed by a restart).
import { describe, expect, it } from 'vitest';
import { makeSchedule } from '../helpers/convergence/schedule.ts';
import { prng, seedFromEnv } from '../helpers/prng.ts';

describe('the convergence schedule', () => {
	it('is the same for the same seed and different for another', () => {
		const options = { steps: 200, clients: 5, relayKills: 3 };
		expect(makeSchedule(prng(42), options)).toEqual(makeSchedule(prng(42), options));
		expect(makeSchedule(prng(43), options)).not.toEqual(makeSchedule(prng(42), options));
	});

	it('has every kind of step, and restarts the relay after each kill', () => {
		const schedule = makeSchedule(prng(7), { steps: 300, clients: 5, relayKills: 3 });
		expect(schedule).toHaveLength(300);
		const kinds = new Set(schedule.map((s) => s.kind));
		for (const kind of ['message', 'board-add', 'board-move', 'board-delete', 'disconnect', 'reconnect', 'reload', 'relay-kill', 'relay-restart'])
			expect(kinds, kind).toContain(kind);
		let down = false;
		for (const step of schedule) {
			if (step.kind === 'relay-kill') expect((down = !down)).toBe(true);
			if (step.kind === 'relay-restart') expect((down = !down)).toBe(false);
		}
	});

	it('takes SEED from the environment and refuses a bad one with a clear error', () => {
		expect(seedFromEnv({ SEED: '123' })).toBe(123);
		expect(() => seedFromEnv({ SEED: 'abc' })).toThrow(/SEED must be a whole number/);
		expect(Number.isSafeInteger(seedFromEnv({}))).toBe(true);
	});
});
