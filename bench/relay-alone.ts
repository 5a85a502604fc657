// The relay alone: the shapes of lib/sync-shapes.ts played by light clients (lib/light-client.ts), which answer every
// message at once and cost the bench process almost nothing, through Caseroom's relay and, in the same run, the
// stock automerge-repo relay. What is measured is the relay's own work — frame in, durable, frames out — so issue
// #15's goals are held here. The bench process still receives every reader's message in turn: at 200 members that
// alone takes tens of milliseconds on two cores, part of the last member's latency.
import type { BenchGroup, Figure } from './lib/figure.ts';
import { runLightShape } from './lib/light-run.ts';
import { syncShapes } from './lib/sync-shapes.ts';

export const relayAlone: BenchGroup = {
	name: 'The relay alone (light clients)',
	async run({ quick, log }) {
		const figures: Figure[] = [];
		for (const spec of syncShapes('relay alone,', true)) {
			const shape = spec.shape(quick);
			log(`${spec.name}, light clients: stock relay…`);
			const stock = await runLightShape('stock', shape);
			log(`${spec.name}, light clients: Caseroom relay…`);
			const ours = await runLightShape('caseroom', shape);
			figures.push(...spec.figures(ours, stock));
		}
		return figures;
	}
};
