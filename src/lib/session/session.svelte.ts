// The signed-in person on this device. Kept in localStorage so a tablet stays signed in across reloads and
// offline shifts; the token's expiry is the relay's to enforce.
import { readLocal, removeLocal, writeLocal } from '$lib/safe-local-storage';
import type { PublicUser } from '$lib/model/directory';
import { isSession, type Session } from './login';

const STORAGE_KEY = 'caseroom.session';

class SessionState {
	#session = $state<Session | null>(null);

	constructor() {
		if (typeof window === 'undefined') return;
		try {
			const stored: unknown = JSON.parse(readLocal(STORAGE_KEY) ?? 'null');
			this.#session = isSession(stored) ? stored : null;
		} catch {
			this.#session = null;
		}
	}

	get current() {
		return this.#session;
	}

	signIn(session: Session) {
		this.#session = session;
		// A full device keeps the sign-in for this page only: the person signs in again after a reload.
		writeLocal(STORAGE_KEY, JSON.stringify(session));
	}

	/** The relay's newer account of the same person (e.g. a field added since this session was saved). */
	updateUser(user: PublicUser) {
		if (this.#session && this.#session.user.id === user.id) this.signIn({ ...this.#session, user });
	}

	signOut() {
		this.#session = null;
		removeLocal(STORAGE_KEY);
	}
}

export const session = new SessionState();
