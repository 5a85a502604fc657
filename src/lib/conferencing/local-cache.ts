// What this device remembers of the relay's answers, per person, so frame 1 and the New conversation dialog work
// offline: the directory, the registered conversations, and conversations created here but not registered yet.
import type { DirectoryView, RegisteredConversation } from '$lib/model/directory';
import type { Registration } from './relay-api';

export interface LocalCache {
	directory: DirectoryView | null;
	conversations: RegisteredConversation[];
	/** Created on this device while the relay could not be reached; registered as soon as it can be. */
	pending: Registration[];
}

const keyFor = (userId: string) => `caseroom.cache.${userId}`;
export const emptyCache = (): LocalCache => ({ directory: null, conversations: [], pending: [] });

export function loadCache(userId: string, storage: Storage = localStorage): LocalCache {
	try {
		const parsed = JSON.parse(storage.getItem(keyFor(userId)) ?? 'null') as Partial<LocalCache> | null;
		if (!parsed || typeof parsed !== 'object') return emptyCache();
		return {
			directory: parsed.directory ?? null,
			conversations: Array.isArray(parsed.conversations) ? parsed.conversations : [],
			pending: Array.isArray(parsed.pending) ? parsed.pending : []
		};
	} catch {
		return emptyCache();
	}
}

/** False when the device's localStorage is full: the caller tells the person. */
export function saveCache(userId: string, cache: LocalCache, storage: Storage = localStorage): boolean {
	try {
		storage.setItem(keyFor(userId), JSON.stringify(cache));
		return true;
	} catch {
		return false;
	}
}
