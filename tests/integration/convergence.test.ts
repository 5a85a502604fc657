// Convergence under partitions: five signed-in clients (real Repos on NodeFS storage, each behind a fault proxy) and
// the real relay in its own process play a seeded schedule of messages, whiteboard edits, disconnects, reconnects,
// reloads from storage and relay kill -9 / restarts. Healed, every client must hold identical documents, and no
// message the relay acknowledged — nor any written — may be missing. The same schedule runs again across three relay
// nodes on one PostgreSQL and one Redis (the file's own), the clients spread over the nodes, each kill taking one
// node down in turn while the others serve. A failure names the seed: SEED=<n> replays it.
import { describe, expect, it } from 'vitest';
import { runConvergence } from '../helpers/convergence/run.ts';
import type { WorldNodes } from '../helpers/convergence/world.ts';
import { seedFromEnv } from '../helpers/prng.ts';
import { startSharedServers } from '../helpers/relay-nodes.ts';

const seed = seedFromEnv();

async function expectConvergence(label: string, nodes?: WorldNodes): Promise<void> {
	const result = await runConvergence({
		seed,
		steps: 100,
		relayKills: 2,
		nodes,
		// A little delay and jitter so that changes cross each other on the way, as on a real network.
		profile: { up: { delayMs: 2, jitterMs: 15 }, down: { delayMs: 2, jitterMs: 15 } },
		log: (line) => console.error(line)
	});
	console.log(`${label} SEED=${seed}: ${JSON.stringify(result)}`);
	expect(result.failure).toBeUndefined();
	expect(result.messagesWritten).toBeGreaterThan(20);
	// Most messages were acknowledged before the end; every one of them is everywhere.
	expect(result.messagesAcknowledged).toBeGreaterThan(0);
	expect(result.acknowledgedLost).toBe(0);
	expect(result.writtenLost).toBe(0);
	expect(result.operations['relay-kill']).toBeGreaterThan(0);
}

describe('convergence under partitions', () => {
	it(`five clients and a relay killed twice end identical, losing nothing (SEED=${seed})`, { timeout: 90_000 }, () => expectConvergence('convergence'));

	it(`five clients on three relay nodes, nodes killed in turn, end identical, losing nothing (SEED=${seed})`, { timeout: 150_000 }, async () => {
		const servers = await startSharedServers();
		try {
			await expectConvergence('convergence on three nodes', { count: 3, env: servers.env });
		} finally {
			await servers.close();
		}
	});
});
