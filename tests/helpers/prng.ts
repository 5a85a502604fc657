// A small seeded PRNG (mulberry32) for schedules and fault injection: the same seed replays the same run.

export interface Prng {
	readonly seed: number;
	/** Uniform in [0, 1). */
	next(): number;
	/** Integer in [min, max]. */
	int(min: number, max: number): number;
	/** True with probability p. */
	chance(p: number): boolean;
	pick<T>(items: readonly T[]): T;
	/** A new generator whose sequence depends only on this one's next value (one per proxy, per client...). */
	fork(): Prng;
}

export function prng(seed: number): Prng {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const self: Prng = {
		seed,
		next,
		int: (min, max) => min + Math.floor(next() * (max - min + 1)),
		chance: (p) => next() < p,
		pick: (items) => {
			if (items.length === 0) throw new Error('pick from an empty list');
			return items[Math.floor(next() * items.length)]!;
		},
		fork: () => prng(Math.floor(next() * 4294967296))
	};
	return self;
}

/** SEED from the environment (to replay a run), else a fresh one. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
	const given = env.SEED;
	if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
	const seed = Number(given);
	if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`SEED must be a whole number ≥ 0, not "${given}".`);
	return seed;
}
