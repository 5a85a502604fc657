// Reads no UI state. Values that may be taken once, for a short time: a sign-in in progress (its state, nonce and
// PKCE verifier, kept by the relay, never by the browser) and the hand-off code that gives the app its session.
// Bounded overall and per client address, so a flood from one address pushes out only its own oldest entries.
// This one is one node's memory; with several nodes (DATABASE_URL) they are in PostgreSQL (postgres-one-time-store.ts),
// since the provider's callback and the app's redemption may reach another node than the one that started.

export interface OneTimeStoreOptions {
	ttlMs: number;
	/** Entries kept at most; past it the oldest goes. */
	max: number;
	/** Entries one address may hold; past it that address's oldest goes. */
	maxPerAddress: number;
	now: () => number;
}

export interface OneTimeStore<T> {
	put(key: string, value: T, address: string): void;
	/** The value, once: removed whether or not it is still fresh; undefined when unknown, taken or expired. */
	take(key: string): T | undefined;
	size(): number;
}

/** Where single sign-on keeps its one-time values: each store answers asynchronously (it may be a database). */
export interface SharedOneTimeStore<T> {
	put(key: string, value: T, address: string): Promise<void>;
	/** The value, once across every node; undefined when unknown, taken or expired. */
	take(key: string): Promise<T | undefined>;
}

/** Opens the store of one kind of value (`flow`, `hand-off`). */
export type OneTimeStores = <T>(kind: string, options: Omit<OneTimeStoreOptions, 'now'>) => SharedOneTimeStore<T>;

/** One node's memory, as OneTimeStores. */
export function memoryOneTimeStores(now: () => number): OneTimeStores {
	return <T>(_kind: string, options: Omit<OneTimeStoreOptions, 'now'>): SharedOneTimeStore<T> => {
		const store = createOneTimeStore<T>({ ...options, now });
		return { put: async (key: string, value: T, address: string) => store.put(key, value, address), take: async (key: string) => store.take(key) };
	};
}

interface Entry<T> {
	value: T;
	address: string;
	expiresAt: number;
}

export function createOneTimeStore<T>(options: OneTimeStoreOptions): OneTimeStore<T> {
	const { ttlMs, max, maxPerAddress, now } = options;
	// Insertion order is age order: the first entries are the oldest.
	const entries = new Map<string, Entry<T>>();
	const byAddress = new Map<string, Set<string>>();

	const remove = (key: string) => {
		const entry = entries.get(key);
		if (!entry) return;
		entries.delete(key);
		const keys = byAddress.get(entry.address)!;
		keys.delete(key);
		if (keys.size === 0) byAddress.delete(entry.address);
	};
	const sweep = () => {
		const t = now();
		for (const [key, entry] of entries) {
			if (entry.expiresAt > t) break;
			remove(key);
		}
	};

	return {
		put(key, value, address) {
			sweep();
			remove(key);
			const own = byAddress.get(address);
			if (own && own.size >= maxPerAddress) remove(own.values().next().value!);
			if (entries.size >= max) remove(entries.keys().next().value!);
			entries.set(key, { value, address, expiresAt: now() + ttlMs });
			let keys = byAddress.get(address);
			if (!keys) byAddress.set(address, (keys = new Set()));
			keys.add(key);
		},
		take(key) {
			const entry = entries.get(key);
			remove(key);
			return entry && entry.expiresAt > now() ? entry.value : undefined;
		},
		size() {
			sweep();
			return entries.size;
		}
	};
}
