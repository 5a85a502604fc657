// The one result shape every benchmark returns: a measured value, the baseline measured in the same run, and the
// goal it is held to. A figure never throws on a miss: a benchmark reports, `npm test` decides.

export type Unit = 'ms' | 'µs' | 'MB' | 'KB' | 's' | 'count' | 'MiB/s';

/** `max`/`min`: the value must be at most/at least `limit`; `ratio-max`: value / baseline must be at most `limit`; `all`: every one. */
export type Goal = { kind: 'max'; limit: number } | { kind: 'min'; limit: number } | { kind: 'ratio-max'; limit: number } | { kind: 'all'; goals: Goal[] } | { kind: 'none' };

export interface Figure {
	/** Group / shape / what, e.g. "sync chat: p50 to the last member". */
	name: string;
	value: number;
	unit: Unit;
	/** The same figure for the baseline (stock automerge-repo, or what the figure names); null when there is none. */
	baseline: number | null;
	/** value / baseline. */
	ratio: number | null;
	/** Human-readable, e.g. "≤ 3 ms". */
	goal: string;
	/** null: the figure has no goal of its own (reported for context). */
	pass: boolean | null;
	/** What the baseline is, or how the value was taken, when the name does not say. */
	note?: string;
}

export function figure(name: string, value: number, unit: Unit, baseline: number | null, goal: Goal, note?: string): Figure {
	const ratio = baseline ? value / baseline : null;
	const pass = goal.kind === 'none' ? null : meets(goal, value, ratio);
	return { name, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio), goal: describe(goal, unit), pass, ...(note ? { note } : {}) };
}

export const atMost = (limit: number): Goal => ({ kind: 'max', limit });
/** For rates (MiB/s): more is better. */
export const atLeast = (limit: number): Goal => ({ kind: 'min', limit });
export const ratioAtMost = (limit: number): Goal => ({ kind: 'ratio-max', limit });
/** Held to every one of these goals, e.g. an absolute limit and a ratio to the baseline. */
export const allOf = (...goals: Goal[]): Goal => ({ kind: 'all', goals });
export const noGoal: Goal = { kind: 'none' };

function meets(goal: Goal, value: number, ratio: number | null): boolean {
	if (goal.kind === 'max') return value <= goal.limit;
	if (goal.kind === 'min') return value >= goal.limit;
	if (goal.kind === 'ratio-max') return ratio !== null && ratio <= goal.limit;
	if (goal.kind === 'all') return goal.goals.every((g) => meets(g, value, ratio));
	return true;
}

function describe(goal: Goal, unit: Unit): string {
	if (goal.kind === 'max') return `≤ ${goal.limit} ${unit}`;
	if (goal.kind === 'min') return `≥ ${goal.limit} ${unit}`;
	if (goal.kind === 'ratio-max') return `≤ ${goal.limit}× baseline`;
	if (goal.kind === 'all') return goal.goals.map((g) => describe(g, unit)).join(' and ');
	return '';
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);

/** A benchmark group: one module under bench/, run by bench/run.ts in order. */
export interface BenchGroup {
	name: string;
	run(options: BenchOptions): Promise<Figure[]>;
}

export interface BenchOptions {
	/** BENCH_QUICK=1: shorter runs and smaller shapes for development; the figures are then only indicative. */
	quick: boolean;
	log(message: string): void;
}
