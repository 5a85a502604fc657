// The signed-in person's sync as reactive state for the UI: the Repo once it is open, the connection state, and
// whether the relay refused the sign-in (expired token, disabled person), which retrying alone cannot fix.
import { errorText } from '$lib/error-text';
import type { Session } from '$lib/session/login';
import type { ClientRepo } from './client-repo';
import type { ConnectionSnapshot } from './connection-state';
import type { Eviction } from './device-ledger';
import type { StorageHealth } from './guarded-storage';

export type SessionCheck = 'valid' | 'refused' | 'unknown';

/** Asks the relay whether this token is still good; the network failing says nothing about the token. */
export async function checkToken(token: string, fetchFn: typeof fetch = fetch): Promise<SessionCheck> {
	try {
		const response = await fetchFn('/api/me', { headers: { authorization: `Bearer ${token}` } });
		if (response.status === 401) return 'refused';
		return response.ok ? 'valid' : 'unknown';
	} catch {
		return 'unknown';
	}
}

/**
 * A person who freed space went to another app to do it: when Caseroom is in front again, the refused writes are
 * tried at once rather than at the next timed retry.
 */
function retryWhenBack(storage: { readonly health: StorageHealth; retryNow(): Promise<boolean> }): () => void {
	const onVisible = () => {
		if (document.visibilityState === 'visible' && (storage.health.status === 'full' || storage.health.status === 'failed')) void storage.retryNow();
	};
	document.addEventListener('visibilitychange', onVisible);
	return () => document.removeEventListener('visibilitychange', onVisible);
}

export class SyncSession {
	client = $state.raw<ClientRepo | null>(null);
	connection = $state.raw<ConnectionSnapshot>({ status: 'connecting', lastError: null, relayStorageId: null, retryAt: null });
	/** The relay refused this sign-in: the person must sign in again (their local changes stay). */
	signInRefused = $state(false);
	/** Local storage could not be opened: nothing can be kept on this device. */
	storageError = $state<string | null>(null);
	/** Whether this device keeps what arrives and what the person writes (a full device does not). */
	storageHealth = $state.raw<StorageHealth>({ status: 'ok' });
	/** What the browser cleared from this device since the last visit; null when nothing, or once dismissed. */
	eviction = $state.raw<Eviction | null>(null);

	#stopped = false;
	#checking = false;
	#unsubscribe: (() => void)[] = [];

	async start(session: Session): Promise<void> {
		try {
			const { openBrowserRepo } = await import('./browser-repo');
			const client = await openBrowserRepo({ token: session.token, userId: session.user.id, onAuthSuspect: () => void this.#checkSignIn(session.token) });
			if (this.#stopped) return void client.shutdown();
			this.#unsubscribe.push(client.connection.subscribe((snapshot) => (this.connection = snapshot)));
			const device = client.device;
			if (device) {
				this.#unsubscribe.push(device.storage.subscribe((health) => (this.storageHealth = health)));
				this.#unsubscribe.push(retryWhenBack(device.storage));
				this.eviction = device.eviction;
			}
			// The tablet says its network is back: connect now rather than when the backoff's wait runs out.
			const reconnect = () => client.relay.reconnectNow();
			addEventListener('online', reconnect);
			this.#unsubscribe.push(() => removeEventListener('online', reconnect));
			this.client = client;
		} catch (err) {
			this.storageError = errorText(err);
		}
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
		const client = this.client;
		this.client = null;
		await client?.shutdown();
	}

	/** Tries the writes the device refused again, e.g. after the person freed space. */
	retryStorage(): Promise<boolean> {
		return this.client?.device?.storage.retryNow() ?? Promise.resolve(true);
	}

	/** Whether this document's latest changes live only in this page's memory (the device refused them). */
	isUnsaved(documentId: string): boolean {
		return this.storageHealth.status !== 'ok' && this.storageHealth.unsaved.includes(documentId);
	}

	async #checkSignIn(token: string): Promise<void> {
		if (this.#checking || this.signInRefused) return;
		this.#checking = true;
		try {
			if ((await checkToken(token)) === 'refused') this.signInRefused = true;
		} finally {
			this.#checking = false;
		}
	}
}
