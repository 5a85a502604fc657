// Automerge's wasm documents without its JavaScript layer. The relay only moves changes and never reads a
// document's content, and `Automerge.load` would materialise the whole document as JavaScript objects (then patch
// them on every change): memory and CPU the relay does not need. The low-level API is the package's own module that
// every entry point initialises; it is not in the package's exports map, so it is reached by its path next to the
// Node entry point. Pinned by package-lock.json; a layout change fails here, at start, with this message.
import '@automerge/automerge';

/** A hex change hash. */
export type Hash = string;

/** The methods of Automerge's wasm document (its class `Automerge`) that the relay uses. */
export interface WasmDocument {
	getHeads(): Hash[];
	save(): Uint8Array;
	saveSince(heads: Hash[]): Uint8Array;
	loadIncremental(data: Uint8Array): number;
	getMissingDeps(heads: Hash[]): Hash[];
	generateSyncMessage(state: WasmSyncState): Uint8Array | null;
	receiveSyncMessage(state: WasmSyncState, message: Uint8Array): void;
	/**
	 * Drops the document's patch log. Automerge 3.5 records a patch event for every op it applies from others
	 * (`receiveSyncMessage`, `loadIncremental` into a non-empty document) even while that log is inactive, and only
	 * reading patches (the JavaScript API does, after every change) or this call empties it: see forgetPatches().
	 */
	resetDiffCursor(): void;
	free(): void;
}

/** Automerge's wasm sync state: what one peer is known to have of one document. */
export interface WasmSyncState {
	clone(): WasmSyncState;
	readonly sharedHeads: Hash[];
	free(): void;
}

/** The part of Automerge's low-level API the relay uses. */
export interface AutomergeBackend {
	create(options: { actor?: string }): WasmDocument;
	load(data: Uint8Array, options?: { unchecked?: boolean; allowMissingDeps?: boolean }): WasmDocument;
	initSyncState(): WasmSyncState;
	decodeSyncMessage(message: Uint8Array): { heads: Hash[]; need: Hash[]; have: { lastSync: Hash[]; bloom: Uint8Array }[]; changes: Uint8Array[] };
	encodeSyncState(state: WasmSyncState): Uint8Array;
	decodeSyncState(data: Uint8Array): WasmSyncState;
}

async function loadBackend(): Promise<AutomergeBackend> {
	const entry = import.meta.resolve('@automerge/automerge');
	try {
		const lowLevel = (await import(new URL('../low_level.js', entry).href)) as { ApiHandler: AutomergeBackend };
		if (typeof lowLevel.ApiHandler?.create !== 'function') throw new Error('ApiHandler.create is missing');
		return lowLevel.ApiHandler;
	} catch (error) {
		throw new Error(`Automerge's low-level API was not found next to ${entry} (${String(error)}): this relay expects the layout of @automerge/automerge 3.x.`);
	}
}

export const backend: AutomergeBackend = await loadBackend();

/**
 * Frees what the document recorded for patches nobody will ask for. Call it after every call that applies changes
 * from others to a document that lives on (a relay's open document): without it, each applied change keeps its
 * patch events (the inserted values and text, ~6-7 KB for a chat message of ~35 ops) for as long as the document is
 * in memory, several times what the change adds to the document itself. Cheap: the log is replaced by an empty one.
 */
export function forgetPatches(doc: WasmDocument): void {
	doc.resetDiffCursor();
}
