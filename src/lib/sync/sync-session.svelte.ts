// The signed-in person's sync as reactive state for the UI: the Repo once it is open, the connection state, and
// whether the relay refused the sign-in (expired token, disabled person), which retrying alone cannot fix.
import { errorText } from '$lib/error-text';
import type { Session } from '$lib/session/login';
import type { ClientRepo } from './client-repo';
import type { ConnectionSnapshot } from './connection-state';

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

export class SyncSession {
	client = $state.raw<ClientRepo | null>(null);
	connection = $state.raw<ConnectionSnapshot>({ status: 'connecting', lastError: null, relayStorageId: null, retryAt: null });
	/** The relay refused this sign-in: the person must sign in again (their local changes stay). */
	signInRefused = $state(false);
	/** Local storage could not be opened: nothing can be kept on this device. */
	storageError = $state<string | null>(null);

	#stopped = false;
	#checking = false;
	#unsubscribe: (() => void) | undefined;

	async start(session: Session): Promise<void> {
		try {
			const { openBrowserRepo } = await import('./browser-repo');
			const client = await openBrowserRepo({ token: session.token, userId: session.user.id, onAuthSuspect: () => void this.#checkSignIn(session.token) });
			if (this.#stopped) return void client.shutdown();
			this.#unsubscribe = client.connection.subscribe((snapshot) => (this.connection = snapshot));
			this.client = client;
		} catch (err) {
			this.storageError = errorText(err);
		}
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		this.#unsubscribe?.();
		const client = this.client;
		this.client = null;
		await client?.shutdown();
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
