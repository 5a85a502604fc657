// Slows down password guessing: failure counters per username and per client address, with an injected clock.
// Per username: after 5 failures (each within 15 minutes of the previous), sign-ins are refused for 30 s, doubling
// with every further failure up to 15 minutes; the count is forgotten after a success, or 15 quiet minutes after
// the lockout. Per address the limit is high (100 in 15 minutes): a whole plant shares one NAT address.

export interface ThrottleLimits {
	maxFailures: number;
	windowMs: number;
}

export interface LoginThrottleOptions {
	now?: () => number;
	perUsername?: ThrottleLimits;
	perAddress?: ThrottleLimits;
	firstLockoutMs?: number;
	maxLockoutMs?: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
	check(username: string, address: string): ThrottleDecision;
	recordFailure(username: string, address: string): void;
	recordSuccess(username: string): void;
}

const MINUTE = 60_000;
/** Above this many tracked keys, forgotten ones are swept. */
const SWEEP_ABOVE = 10_000;

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
	const now = options.now ?? Date.now;
	const perUsername = options.perUsername ?? { maxFailures: 5, windowMs: 15 * MINUTE };
	const perAddress = options.perAddress ?? { maxFailures: 100, windowMs: 15 * MINUTE };
	const firstLockoutMs = options.firstLockoutMs ?? 30_000;
	const maxLockoutMs = options.maxLockoutMs ?? 15 * MINUTE;
	const usernames = new Map<string, { count: number; last: number }>();
	const addresses = new Map<string, number[]>();

	const lockoutMs = (count: number) =>
		count < perUsername.maxFailures ? 0 : Math.min(maxLockoutMs, firstLockoutMs * 2 ** Math.min(count - perUsername.maxFailures, 30));

	/** The username's failures in a row, unless forgotten. */
	function strikes(username: string) {
		const s = usernames.get(username);
		if (s && now() - s.last > lockoutMs(s.count) + perUsername.windowMs) usernames.delete(username);
		return usernames.get(username);
	}

	/** The address's failure times still inside the window, oldest first. */
	function recent(address: string): number[] {
		const since = now() - perAddress.windowMs;
		const times = (addresses.get(address) ?? []).filter((t) => t > since);
		if (times.length) addresses.set(address, times);
		else addresses.delete(address);
		return times;
	}

	function addressLockedUntil(times: number[]): number {
		if (times.length < perAddress.maxFailures) return 0;
		// Open again once enough failures have left the window.
		return times[times.length - perAddress.maxFailures]! + perAddress.windowMs;
	}

	/** Random usernames or addresses must not grow memory without bound. */
	function sweep() {
		if (usernames.size > SWEEP_ABOVE) for (const key of [...usernames.keys()]) strikes(key);
		if (addresses.size > SWEEP_ABOVE) for (const key of [...addresses.keys()]) recent(key);
	}

	return {
		check(username, address) {
			const s = strikes(username);
			const until = Math.max(s ? s.last + lockoutMs(s.count) : 0, addressLockedUntil(recent(address)));
			const wait = until - now();
			return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
		},
		recordFailure(username, address) {
			const t = now();
			usernames.set(username, { count: (strikes(username)?.count ?? 0) + 1, last: t });
			addresses.set(address, [...recent(address), t]);
			sweep();
		},
		recordSuccess(username) {
			usernames.delete(username);
		}
	};
}
