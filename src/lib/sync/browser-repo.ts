// The app's Repo in the browser: the Automerge wasm first, this person's own IndexedDB database, and the relay on this
// page's origin. The conferencing page imports this module dynamically, so the 3.5 MB wasm stays off the sign-in path.
import wasmUrl from '@automerge/automerge/automerge.wasm?url';
import { initializeWasm } from '@automerge/automerge-repo/slim';
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { createClientRepo, type ClientRepo } from './client-repo';

/** One database per person, so two people sharing a tablet never see each other's documents. */
export const databaseNameFor = (userId: string) => `caseroom-${userId}`;

/** ws://host/sync, or wss:// when the page came over HTTPS (a browser refuses ws:// from an https:// page). */
export function syncUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

export interface BrowserRepoOptions {
	token: string;
	userId: string;
	/** See ClientRepoOptions.onAuthSuspect. */
	onAuthSuspect?: () => void;
}

export async function openBrowserRepo(options: BrowserRepoOptions): Promise<ClientRepo> {
	await initializeWasm(wasmUrl);
	const storage = new IndexedDBStorageAdapter(databaseNameFor(options.userId), 'documents');
	// The adapter opens its database at once but reports a failure only to the first load or save: make that a
	// read of nothing, here, where the UI can say so.
	await storage.load(['caseroom-storage-check']);
	return createClientRepo({
		url: syncUrlFor(location),
		token: options.token,
		userId: options.userId,
		storage,
		onAuthSuspect: options.onAuthSuspect
	});
}
