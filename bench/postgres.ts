// The relay's documents in PostgreSQL (DATABASE_URL) beside the log in DATA_DIR, in the same run: the chat and
// contention shapes of the relay-alone group, light clients, one relay. What the shared store costs a change: a
// COMMIT on a local PostgreSQL where the log has an fdatasync. CPU per delivery counts the database's processes
// with the relay's. PostgreSQL is this run's own (tests/helpers/postgres.ts: initdb + pg_ctl in a temp directory).
import { startPostgres } from '../tests/helpers/postgres.ts';
import { atMost, figure, noGoal, ratioAtMost, type BenchGroup, type Figure } from './lib/figure.ts';
import { runLightShape } from './lib/light-run.ts';
import { syncShapes } from './lib/sync-shapes.ts';

export const postgres: BenchGroup = {
	name: 'Documents in PostgreSQL beside DATA_DIR (light clients)',
	async run({ quick, log }) {
		const server = await startPostgres();
		try {
			const figures: Figure[] = [];
			const shapes = syncShapes('', false).filter((s) => /^(chat|contention)/.test(s.name));
			for (const spec of shapes) {
				const shape = spec.shape(quick);
				const short = spec.name.split(' ')[0];
				log(`${spec.name}: Caseroom relay, documents in DATA_DIR…`);
				const files = await runLightShape('caseroom', shape);
				log(`${spec.name}: Caseroom relay, documents in PostgreSQL…`);
				const database = await runLightShape('caseroom', shape, { env: { DATABASE_URL: await server.createDatabase() }, otherCpuMs: () => server.cpuMs() });
				const note = 'baseline: the same relay with its documents in DATA_DIR';
				figures.push(
					figure(`postgres ${short}: p50 to the last member`, database.lastP50, 'ms', files.lastP50, ratioAtMost(2), note),
					figure(`postgres ${short}: p99 to the last member`, database.lastP99, 'ms', files.lastP99, noGoal, note),
					figure(`postgres ${short}: CPU per delivery, relay + PostgreSQL`, database.cpuPerDeliveryUs, 'µs', files.cpuPerDeliveryUs, noGoal, note),
					figure(`postgres ${short}: deliveries lost`, database.lost, 'count', files.lost, atMost(0), `${database.changes} changes measured`)
				);
			}
			return figures;
		} finally {
			await server.close();
		}
	}
};
