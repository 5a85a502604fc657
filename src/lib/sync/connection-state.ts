// Reads no UI state. The sync connection's state as a tiny observable (it also fulfils the Svelte store contract:
// subscribe calls back at once and returns the unsubscribe function).

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface ConnectionSnapshot {
	status: ConnectionStatus;
	/** Why the last connection failed or closed; null after a successful join. */
	lastError: string | null;
	/** The relay's storage id from its `peer` message: the key of its heads in DocHandle.getSyncInfo. */
	relayStorageId: string | null;
	/** When the next attempt is due (epoch ms) while offline and retrying. */
	retryAt: number | null;
}

export type ConnectionListener = (snapshot: ConnectionSnapshot) => void;

export class ConnectionState {
	#current: ConnectionSnapshot = { status: 'offline', lastError: null, relayStorageId: null, retryAt: null };
	readonly #listeners = new Set<ConnectionListener>();

	get current(): ConnectionSnapshot {
		return this.#current;
	}

	/** Calls `listener` now and on every change; returns the unsubscribe function. */
	subscribe(listener: ConnectionListener): () => void {
		this.#listeners.add(listener);
		listener(this.#current);
		return () => this.#listeners.delete(listener);
	}

	/** For the adapter: merges a change and notifies if anything differs. */
	update(change: Partial<ConnectionSnapshot>): void {
		const next = { ...this.#current, ...change };
		const keys = Object.keys(next) as (keyof ConnectionSnapshot)[];
		if (keys.every((k) => next[k] === this.#current[k])) return;
		this.#current = next;
		for (const listener of [...this.#listeners]) listener(next);
	}
}
