// The four sync shapes both sync groups play (with the app's client in sync-latency.ts, with light clients in
// relay-alone.ts) and the figures each yields. `goals`: hold the figures to issue #15's goals (the relay-alone group),
// or report them for context.
import { allOf, atMost, figure, noGoal, ratioAtMost, type Figure, type Goal } from './figure.ts';
import type { SyncRunResult, SyncShape } from './sync-run.ts';

export interface ShapeSpec {
	name: string;
	shape: (quick: boolean) => SyncShape;
	figures: (ours: SyncRunResult, stock: SyncRunResult) => Figure[];
}

export function syncShapes(prefix: string, goals: boolean): ShapeSpec[] {
	const seconds = (quick: boolean, full: number) => (quick ? 4000 : full * 1000);
	const goal = (g: Goal) => (goals ? g : noGoal);
	return [
		{
			name: 'chat (1 writer, 1 reader, a change every 200 ms)',
			shape: (quick) => ({ writers: 1, readers: 1, intervalMs: 200, durationMs: seconds(quick, 15) }),
			figures: (ours, stock) => [
				figure(`${prefix} chat: p50`, ours.lastP50, 'ms', stock.lastP50, goal(allOf(atMost(3), ratioAtMost(0.5)))),
				figure(`${prefix} chat: p99`, ours.lastP99, 'ms', stock.lastP99, goal(atMost(10))),
				...common(`${prefix} chat`, ours, stock, noGoal)
			]
		},
		{
			name: 'fan-out to 30 (1 writer, 30 members, a change every 500 ms)',
			shape: (quick) => ({ writers: 1, readers: 30, intervalMs: 500, durationMs: seconds(quick, 10) }),
			figures: (ours, stock) => [...firstLast(`${prefix} fan-out 30`, ours, stock, goal(ratioAtMost(0.5))), ...common(`${prefix} fan-out 30`, ours, stock, goal(ratioAtMost(0.5)))]
		},
		{
			name: 'fan-out to 200 (1 writer, 200 members, a change every 500 ms)',
			shape: (quick) => ({ writers: 1, readers: quick ? 100 : 200, intervalMs: 500, durationMs: seconds(quick, 15) }),
			figures: (ours, stock) => [...firstLast(`${prefix} fan-out 200`, ours, stock, goal(atMost(50))), ...common(`${prefix} fan-out 200`, ours, stock, goal(ratioAtMost(0.5)))]
		},
		{
			name: 'contention (4 writers at 10 changes/s, 16 readers)',
			shape: (quick) => ({ writers: 4, readers: 16, intervalMs: 100, durationMs: seconds(quick, 15) }),
			figures: (ours, stock) => [
				figure(`${prefix} contention: p50 to the last member`, ours.lastP50, 'ms', stock.lastP50, goal(atMost(20))),
				figure(`${prefix} contention: p99 to the last member`, ours.lastP99, 'ms', stock.lastP99, goal(atMost(50))),
				figure(`${prefix} contention: p50 to the first member`, ours.firstP50, 'ms', stock.firstP50, noGoal),
				...common(`${prefix} contention`, ours, stock, noGoal)
			]
		}
	];
}

function firstLast(prefix: string, ours: SyncRunResult, stock: SyncRunResult, lastP99Goal: Goal): Figure[] {
	return [
		figure(`${prefix}: p50 to the first member`, ours.firstP50, 'ms', stock.firstP50, noGoal),
		figure(`${prefix}: p99 to the first member`, ours.firstP99, 'ms', stock.firstP99, noGoal),
		figure(`${prefix}: p50 to the last member`, ours.lastP50, 'ms', stock.lastP50, noGoal),
		figure(`${prefix}: p99 to the last member`, ours.lastP99, 'ms', stock.lastP99, lastP99Goal)
	];
}

function common(prefix: string, ours: SyncRunResult, stock: SyncRunResult, cpuGoal: Goal): Figure[] {
	return [
		figure(`${prefix}: relay CPU per delivery`, ours.cpuPerDeliveryUs, 'µs', stock.cpuPerDeliveryUs, cpuGoal),
		figure(`${prefix}: deliveries lost`, ours.lost, 'count', stock.lost, atMost(0), `${ours.changes} changes measured`)
	];
}
