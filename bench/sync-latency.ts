// Sync latency and relay cost end to end, with the app's client (automerge-repo's own against the stock relay):
// the shapes of lib/sync-shapes.ts through Caseroom's relay and, in the same run, a stock automerge-repo relay in its
// own process. The clients' own work (a change applied to JavaScript objects, automerge-repo's 100 ms throttle) is
// much of each figure, so issue #15's goals are held in relay-alone.ts; these are reported for context.
import type { BenchGroup, Figure } from './lib/figure.ts';
import { runSyncShape } from './lib/sync-run.ts';
import { syncShapes } from './lib/sync-shapes.ts';

export const syncLatency: BenchGroup = {
	name: 'Sync latency and relay cost, end to end',
	async run({ quick, log }) {
		const figures: Figure[] = [];
		const only = process.env.BENCH_SHAPES?.split(',');
		for (const spec of syncShapes('sync', false)) {
			if (only && !only.some((o) => spec.name.startsWith(o))) continue;
			const shape = spec.shape(quick);
			log(`${spec.name}: stock relay…`);
			const stock = await runSyncShape('stock', shape);
			log(`${spec.name}: Caseroom relay…`);
			const ours = await runSyncShape('caseroom', shape);
			figures.push(...spec.figures(ours, stock));
		}
		return figures;
	}
};
