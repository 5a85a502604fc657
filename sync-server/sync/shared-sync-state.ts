// A sync state that several peers may hold at once. Peers that reached the same point with a document hold the very
// same state, so the relay computes their next message once and sends them the same bytes. A state is never changed
// once shared: receiving or generating works on a clone, and a state's wasm memory is freed when its last holder
// lets go.
import { backend, type WasmSyncState } from '../storage/automerge-backend.ts';

let nextId = 1;
/** Sync states whose wasm memory is not freed yet (the metrics read it at a scrape). */
let live = 0;

export class SharedSyncState {
	/** Never reused: memo keys built from it stay unambiguous after the state is freed. */
	readonly id = nextId++;
	readonly state: WasmSyncState;
	#holders = 0;

	private constructor(state: WasmSyncState) {
		this.state = state;
		live++;
	}

	/** Sync states in memory in this process, the shared initial one included. */
	static get live(): number {
		return live;
	}

	/** The state every peer starts from; one object for all, never freed. */
	static readonly initial: SharedSyncState = new SharedSyncState(backend.initSyncState()).retain();

	/** A fresh copy of `from` that nobody holds yet. */
	static copyOf(from: SharedSyncState): SharedSyncState {
		return new SharedSyncState(from.state.clone());
	}

	retain(): this {
		this.#holders++;
		return this;
	}

	release(): void {
		if (--this.#holders === 0) this.#free();
	}

	/** Frees a copy that was never handed to anyone (its work failed). */
	discard(): void {
		if (this.#holders === 0) this.#free();
	}

	#free(): void {
		this.state.free();
		live--;
	}
}
