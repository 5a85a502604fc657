// Reads no UI state. How long the sync connection waits before its next attempt: exponential backoff with jitter.

export interface BackoffOptions {
	/** Wait before the first retry. */
	initialMs: number;
	/** The wait never grows beyond this. */
	maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * The wait before retry number `attempt` (0 for the first retry): initialMs doubling up to maxMs, then a random
 * share of it between a half and all of it, so that tablets cut off together do not all come back at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
	const exponent = Math.min(Math.max(attempt, 0), 30);
	const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
	return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
