// What this device remembers of the relay's answers, per person, so frame 1 and the New conversation dialog work
// offline: the directory, the registered conversations, and conversations created here but not registered yet.
import type { DirectoryView, RegisteredConversation } from '$lib/model/directory';
import { readLocal, writeLocal } from '$lib/safe-local-storage';
import type { Attachment, Registration } from './relay-api';

export interface LocalCache {
	directory: DirectoryView | null;
	conversations: RegisteredConversation[];
	/** Created on this device while the relay could not be reached; registered as soon as it can be. */
	pending: Registration[];
	/** Documents (whiteboards) attached to a conversation on this device, not yet registered with the relay. */
	pendingDocuments: Attachment[];
}

const keyFor = (userId: string) => `caseroom.cache.${userId}`;
export const emptyCache = (): LocalCache => ({ directory: null, conversations: [], pending: [], pendingDocuments: [] });

/** `storage` undefined: the page's localStorage. */
export function loadCache(userId: string, storage?: Storage): LocalCache {
	try {
		const parsed = JSON.parse(readLocal(keyFor(userId), storage) ?? 'null') as Partial<LocalCache> | null;
		if (!parsed || typeof parsed !== 'object') return emptyCache();
		return {
			directory: parsed.directory ?? null,
			conversations: Array.isArray(parsed.conversations) ? parsed.conversations : [],
			pending: Array.isArray(parsed.pending) ? parsed.pending : [],
			pendingDocuments: Array.isArray(parsed.pendingDocuments) ? parsed.pendingDocuments : []
		};
	} catch {
		return emptyCache();
	}
}

/** False when the device's localStorage is full: the caller tells the person. */
export function saveCache(userId: string, cache: LocalCache, storage?: Storage): boolean {
	return writeLocal(keyFor(userId), JSON.stringify(cache), storage);
}
