// Several relay nodes (issue 18): a change written through one node reaching members connected to the others, with
// light clients, at 500 changes/s (one writer on node A, a reader on node B and one on node C), beside the
// same shape on one node with its documents in PostgreSQL (the postgres group's relay). Every node, PostgreSQL and
// Redis are this run's own; CPU per delivery counts all of them.
import { startRedis } from '../tests/helpers/redis.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { runLightShape } from './lib/light-run.ts';

export const fanout: BenchGroup = {
	name: 'Changes across relay nodes (PostgreSQL + Redis, light clients)',
	async run({ quick, log }) {
		const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
		try {
			const shape = { writers: 1, readers: 2, intervalMs: 2, durationMs: quick ? 4000 : 15_000 };
			const otherCpuMs = () => postgres.cpuMs() + redis.cpuMs();
			log('500 changes/s: one node, documents in PostgreSQL…');
			const one = await runLightShape('caseroom', shape, { env: { DATABASE_URL: await postgres.createDatabase() }, otherCpuMs });
			log('500 changes/s: written on node A, read on nodes B and C…');
			const three = await runLightShape('caseroom', shape, { env: { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url }, otherCpuMs, nodes: 3 });
			const note = 'baseline: every client on one node (documents in PostgreSQL)';
			return [
				figure('nodes 500/s: p50 from node A to the last member on B or C', three.lastP50, 'ms', one.lastP50, atMost(5), note),
				figure('nodes 500/s: p99 from node A to the last member on B or C', three.lastP99, 'ms', one.lastP99, atMost(25), note),
				figure('nodes 500/s: CPU per delivery, 3 nodes + PostgreSQL + Redis', three.cpuPerDeliveryUs, 'µs', one.cpuPerDeliveryUs, noGoal, note),
				figure('nodes 500/s: deliveries lost', three.lost, 'count', one.lost, atMost(0), `${three.changes} changes measured`)
			];
		} finally {
			await redis.close();
			await postgres.close();
		}
	}
};
