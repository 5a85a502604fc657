// Percentiles over latency samples (nearest rank, as latency figures are usually quoted), and waiting.
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) return NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds; throws `failure` after timeoutMs. */
export async function until(condition: () => boolean, timeoutMs: number, failure: string): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!condition()) {
		if (performance.now() > deadline) throw new Error(failure);
		await sleep(10);
	}
}
