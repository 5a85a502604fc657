// The convergence schedule (convergence.test.ts) across three relay nodes on one PostgreSQL and one Redis (this file's
// own servers): the five clients spread over the nodes, each kill -9 takes one node down (in turn) while the others
// keep serving. Healed, every client must hold identical documents, losing nothing acknowledged or written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConvergence } from '../helpers/convergence/run.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { seedFromEnv } from '../helpers/prng.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const seed = seedFromEnv();
let postgres: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
	[postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 60_000);
afterAll(async () => {
	await redis?.close();
	await postgres?.close();
});

describe('convergence across three relay nodes', () => {
	it(`five clients on three nodes, nodes killed in turn, end identical, losing nothing (SEED=${seed})`, { timeout: 120_000 }, async () => {
		const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url };
		const result = await runConvergence({
			seed,
			steps: 100,
			relayKills: 2,
			nodes: { count: 3, env },
			profile: { up: { delayMs: 2, jitterMs: 15 }, down: { delayMs: 2, jitterMs: 15 } },
			log: (line) => console.error(line)
		});
		console.log(`convergence on three nodes SEED=${seed}: ${JSON.stringify(result)}`);
		expect(result.failure).toBeUndefined();
		expect(result.messagesWritten).toBeGreaterThan(20);
		expect(result.messagesAcknowledged).toBeGreaterThan(0);
		expect(result.acknowledgedLost).toBe(0);
		expect(result.writtenLost).toBe(0);
		expect(result.operations['relay-kill']).toBeGreaterThan(0);
	});
});
