// Convergence under partitions: five signed-in clients (real Repos on NodeFS storage, each behind a fault proxy) and
// the real relay in its own process play a seeded schedule of messages, whiteboard edits, disconnects, reconnects,
// reloads from storage and relay kill -9 / restarts. Healed, every client must hold identical documents, and no
// message the relay acknowledged — nor any written — may be missing. A failure names the seed: SEED=<n> replays it.
import { describe, expect, it } from 'vitest';
import { runConvergence } from '../helpers/convergence/run.ts';
import { seedFromEnv } from '../helpers/prng.ts';

const seed = seedFromEnv();

describe('convergence under partitions', () => {
	it(`five clients and a relay killed twice end identical, losing nothing (SEED=${seed})`, { timeout: 90_000 }, async () => {
		const result = await runConvergence({
			seed,
			steps: 100,
			relayKills: 2,
			// A little delay and jitter so that changes cross each other on the way, as on a real network.
			profile: { up: { delayMs: 2, jitterMs: 15 }, down: { delayMs: 2, jitterMs: 15 } },
			log: (line) => console.error(line)
		});
		console.log(`convergence SEED=${seed}: ${JSON.stringify(result)}`);
		expect(result.failure).toBeUndefined();
		expect(result.messagesWritten).toBeGreaterThan(20);
		// Most messages were acknowledged before the end; every one of them is everywhere.
		expect(result.messagesAcknowledged).toBeGreaterThan(0);
		expect(result.acknowledgedLost).toBe(0);
		expect(result.writtenLost).toBe(0);
		expect(result.operations['relay-kill']).toBeGreaterThan(0);
	});
});
