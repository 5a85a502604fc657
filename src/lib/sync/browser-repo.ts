// The app's Repo in the browser: the Automerge wasm first, this person's own storage on this device, and the relay on
// this page's origin. The conferencing page imports this module dynamically, so the 3.5 MB wasm stays off the
// sign-in path.
import wasmUrl from '@automerge/automerge/automerge.wasm?url';
import { initializeWasm } from '@automerge/automerge-repo/slim';
import { createClientRepo, type ClientRepo } from './client-repo';
import { openDeviceStorage } from './device-storage';

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
	// Opening the database also reads which documents it holds: a failure to open surfaces here, where the UI can say so.
	const device = await openDeviceStorage(options.userId);
	return createClientRepo({
		url: syncUrlFor(location),
		token: options.token,
		userId: options.userId,
		storage: device.storage,
		device,
		onAuthSuspect: options.onAuthSuspect
	});
}
