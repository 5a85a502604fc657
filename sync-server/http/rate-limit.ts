// Rate and connection limits, pure (an injected clock, no sockets): token buckets keyed by client address, a
// bucket pair per socket (messages and bytes), and open-connection counts per address. Memory stays bounded when
// the keys are many and random: a bucket that has filled up again is the same as no bucket, so it is swept.

export interface BucketSpec {
	/** The burst: this many units may go at once after a quiet spell. */
	burst: number;
	/** Refilled per second: the sustained rate. */
	perSecond: number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const ALLOWED: LimitDecision = { allowed: true };

interface BucketState {
	tokens: number;
	at: number;
}

/** Refills the bucket to `now`; then takes `cost` if there is enough. Returns ms until it would be, or 0 when taken. */
function take(state: BucketState, spec: BucketSpec, now: number, cost: number): number {
	state.tokens = Math.min(spec.burst, state.tokens + (Math.max(0, now - state.at) * spec.perSecond) / 1000);
	state.at = now;
	if (state.tokens >= cost) {
		state.tokens -= cost;
		return 0;
	}
	// A cost above the burst can never be met: answer with the time to refill completely.
	const missing = cost > spec.burst ? spec.burst : cost - state.tokens;
	return Math.max(1, (missing * 1000) / spec.perSecond);
}

const decision = (waitMs: number): LimitDecision => (waitMs === 0 ? ALLOWED : { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) });

export interface KeyedLimiter {
	take(key: string, cost?: number): LimitDecision;
	/** Keys currently tracked (for tests and memory checks). */
	size(): number;
}

/** One token bucket per key (a client address); at most `maxKeys` are kept. */
export function createKeyedLimiter(spec: BucketSpec, options: { now?: () => number; maxKeys?: number } = {}): KeyedLimiter {
	const now = options.now ?? Date.now;
	const maxKeys = options.maxKeys ?? 50_000;
	const buckets = new Map<string, BucketState>();

	function sweep(t: number) {
		const fullAfterMs = (spec.burst * 1000) / spec.perSecond;
		for (const [key, state] of buckets) if (t - state.at >= fullAfterMs) buckets.delete(key);
		// Still too many busy keys (a spread-out attack): forget the oldest, which only makes the limit lenient for them.
		for (const key of buckets.keys()) {
			if (buckets.size < maxKeys) break;
			buckets.delete(key);
		}
	}

	return {
		take(key, cost = 1) {
			const t = now();
			let state = buckets.get(key);
			if (!state) {
				if (buckets.size >= maxKeys) sweep(t);
				buckets.set(key, (state = { tokens: spec.burst, at: t }));
			}
			return decision(take(state, spec, t, cost));
		},
		size: () => buckets.size
	};
}

export interface SocketLimiter {
	/** One frame of `bytes` arrived: within the socket's message and byte rates? */
	take(bytes: number): LimitDecision;
}

/** A message bucket and a byte bucket for one socket's incoming frames. */
export function createSocketLimiter(limits: { messages: BucketSpec; bytes: BucketSpec }, now: () => number = Date.now): SocketLimiter {
	const t0 = now();
	const messages = { tokens: limits.messages.burst, at: t0 };
	const bytes = { tokens: limits.bytes.burst, at: t0 };
	return {
		take(size) {
			const t = now();
			const waitMessages = take(messages, limits.messages, t, 1);
			if (waitMessages) return decision(waitMessages);
			return decision(take(bytes, limits.bytes, t, size));
		}
	};
}

export interface ConnectionCounter {
	/** Counts a new connection from `key` if it is under the limit; false (and nothing counted) when it is not. */
	open(key: string): boolean;
	close(key: string): void;
	count(key: string): number;
	/** Keys with at least one open connection. */
	size(): number;
}

export function createConnectionCounter(maxPerKey: number): ConnectionCounter {
	const open = new Map<string, number>();
	return {
		open(key) {
			const n = open.get(key) ?? 0;
			if (n >= maxPerKey) return false;
			open.set(key, n + 1);
			return true;
		},
		close(key) {
			const n = (open.get(key) ?? 0) - 1;
			if (n > 0) open.set(key, n);
			else open.delete(key);
		},
		count: (key) => open.get(key) ?? 0,
		size: () => open.size
	};
}
