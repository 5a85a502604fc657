// Percentiles over latency samples (nearest rank, as latency figures are usually quoted).
export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) return NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
