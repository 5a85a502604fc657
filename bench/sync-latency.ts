// Sync latency and relay cost: the same shapes through Caseroom's relay and, in the same run, a stock automerge-repo
// relay in its own process. Goals from issues #8 and #15.
import { allOf, atMost, figure, noGoal, ratioAtMost, type BenchGroup, type Figure, type Goal } from './lib/figure.ts';
import { runSyncShape, type SyncRunResult, type SyncShape } from './lib/sync-run.ts';

interface ShapeSpec {
	name: string;
	shape: (quick: boolean) => SyncShape;
	figures: (ours: SyncRunResult, stock: SyncRunResult) => Figure[];
}

const seconds = (quick: boolean, full: number) => (quick ? 4000 : full * 1000);

const SHAPES: ShapeSpec[] = [
	{
		name: 'chat (1 writer, 1 reader, a change every 200 ms)',
		shape: (quick) => ({ writers: 1, readers: 1, intervalMs: 200, durationMs: seconds(quick, 15) }),
		figures: (ours, stock) => [
			figure('sync chat: p50', ours.lastP50, 'ms', stock.lastP50, allOf(atMost(3), ratioAtMost(0.5))),
			figure('sync chat: p99', ours.lastP99, 'ms', stock.lastP99, atMost(10)),
			...common('sync chat', ours, stock)
		]
	},
	{
		name: 'fan-out to 30 (1 writer, 30 members, a change every 500 ms)',
		shape: (quick) => ({ writers: 1, readers: 30, intervalMs: 500, durationMs: seconds(quick, 10) }),
		figures: (ours, stock) => [...firstLast('sync fan-out 30', ours, stock, ratioAtMost(0.5)), ...common('sync fan-out 30', ours, stock, ratioAtMost(0.5))]
	},
	{
		name: 'fan-out to 200 (1 writer, 200 members, a change every 500 ms)',
		shape: (quick) => ({ writers: 1, readers: quick ? 100 : 200, intervalMs: 500, durationMs: seconds(quick, 15) }),
		figures: (ours, stock) => [...firstLast('sync fan-out 200', ours, stock, atMost(50)), ...common('sync fan-out 200', ours, stock, ratioAtMost(0.5))]
	},
	{
		name: 'contention (4 writers at 10 changes/s, 16 readers)',
		shape: (quick) => ({ writers: 4, readers: 16, intervalMs: 100, durationMs: seconds(quick, 15) }),
		figures: (ours, stock) => [
			figure('sync contention: p50 to the last member', ours.lastP50, 'ms', stock.lastP50, atMost(20)),
			figure('sync contention: p99 to the last member', ours.lastP99, 'ms', stock.lastP99, atMost(50)),
			figure('sync contention: p50 to the first member', ours.firstP50, 'ms', stock.firstP50, noGoal),
			...common('sync contention', ours, stock)
		]
	}
];

function firstLast(prefix: string, ours: SyncRunResult, stock: SyncRunResult, lastP99Goal: Goal): Figure[] {
	return [
		figure(`${prefix}: p50 to the first member`, ours.firstP50, 'ms', stock.firstP50, noGoal),
		figure(`${prefix}: p99 to the first member`, ours.firstP99, 'ms', stock.firstP99, noGoal),
		figure(`${prefix}: p50 to the last member`, ours.lastP50, 'ms', stock.lastP50, noGoal),
		figure(`${prefix}: p99 to the last member`, ours.lastP99, 'ms', stock.lastP99, lastP99Goal)
	];
}

function common(prefix: string, ours: SyncRunResult, stock: SyncRunResult, cpuGoal = noGoal): Figure[] {
	return [
		figure(`${prefix}: relay CPU per delivery`, ours.cpuPerDeliveryUs, 'µs', stock.cpuPerDeliveryUs, cpuGoal),
		figure(`${prefix}: deliveries lost`, ours.lost, 'count', stock.lost, atMost(0), `${ours.changes} changes measured`)
	];
}

export const syncLatency: BenchGroup = {
	name: 'Sync latency and relay cost',
	async run({ quick, log }) {
		const figures: Figure[] = [];
		const only = process.env.BENCH_SHAPES?.split(',');
		for (const spec of SHAPES) {
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
