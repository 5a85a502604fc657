// Reads no UI state. Conversations this person was removed from or left, remembered per person on this device:
// kept out of the list, and said so when opened by address, though the device may still hold the document.
import type { RegisteredConversation } from '$lib/model/directory';

export type GoneReason = 'removed' | 'left';
export type Gone = Readonly<Record<string, GoneReason>>;

const keyFor = (userId: string) => `caseroom.gone.${userId}`;

export function loadGone(userId: string, storage: Storage = localStorage): Gone {
	try {
		const parsed: unknown = JSON.parse(storage.getItem(keyFor(userId)) ?? 'null');
		if (!parsed || typeof parsed !== 'object') return {};
		return Object.fromEntries(Object.entries(parsed).filter(([, why]) => why === 'removed' || why === 'left')) as Gone;
	} catch {
		return {};
	}
}

/** False when localStorage is full: the caller tells the person. */
export function saveGone(userId: string, gone: Gone, storage: Storage = localStorage): boolean {
	try {
		storage.setItem(keyFor(userId), JSON.stringify(gone));
		return true;
	} catch {
		return false;
	}
}

/**
 * The relay lists only the conversations one is a member of: one that was registered before and is missing from a
 * fresh list means this person was removed. One they are in again (added back) is no longer gone.
 */
export function updateGone(gone: Gone, before: readonly Pick<RegisteredConversation, 'id'>[], now: readonly Pick<RegisteredConversation, 'id'>[]): Gone {
	const current = new Set(now.map((c) => c.id as string));
	const next: Record<string, GoneReason> = {};
	for (const [id, why] of Object.entries(gone)) if (!current.has(id)) next[id] = why;
	for (const c of before) if (!current.has(c.id) && !(c.id in next)) next[c.id] = 'removed';
	return next;
}
