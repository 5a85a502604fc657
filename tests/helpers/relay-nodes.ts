// Several relay nodes as tests and benchmarks start them: a PostgreSQL and a Redis of the caller's own (one database,
// one bus), and relays in this process pointed at both (DATABASE_URL, REDIS_URL), each with its own DATA_DIR.
// `env` is the same for relays run as child processes (spawnRelay, the convergence World).
import type { Config } from '../../sync-server/config.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { startRelay, type TestRelay } from './relay.ts';

export interface SharedServers {
	postgres: TestPostgres;
	redis: TestRedis;
	/** DATABASE_URL (a new database) and REDIS_URL, for relays run as child processes. */
	env: { DATABASE_URL: string; REDIS_URL: string };
	/** Starts `count` relays in this process on the database and the bus, one after the other. */
	startNodes(count: number, overrides?: Partial<Config>): Promise<TestRelay[]>;
	/** Closes the relays it started, then Redis and PostgreSQL. */
	close(): Promise<void>;
}

export async function startSharedServers(): Promise<SharedServers> {
	const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
	const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url };
	const started: TestRelay[] = [];
	return {
		postgres,
		redis,
		env,
		async startNodes(count, overrides = {}) {
			const nodes: TestRelay[] = [];
			for (let i = 0; i < count; i++) nodes.push(await startRelay({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, ...overrides }));
			started.push(...nodes);
			return nodes;
		},
		async close() {
			for (const node of started.splice(0)) await node.close();
			await redis.close();
			await postgres.close();
		}
	};
}
