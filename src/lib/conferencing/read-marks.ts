// How many messages of each conversation this person has seen on this device: the unread counts of frame 1.
// Kept in localStorage per person; a count rather than a time, so a wrong tablet clock cannot hide messages.
import { readLocal, writeLocal } from '$lib/safe-local-storage';
import type { ReadCounts } from './conversation-list';

const keyFor = (userId: string) => `caseroom.read.${userId}`;

/** `storage` undefined: the page's localStorage. */
export function loadReadCounts(userId: string, storage?: Storage): ReadCounts {
	try {
		const parsed: unknown = JSON.parse(readLocal(keyFor(userId), storage) ?? '{}');
		if (typeof parsed !== 'object' || parsed === null) return {};
		return Object.fromEntries(Object.entries(parsed).filter(([, n]) => Number.isSafeInteger(n) && (n as number) >= 0)) as ReadCounts;
	} catch {
		return {};
	}
}

export function saveReadCounts(userId: string, counts: ReadCounts, storage?: Storage): void {
	// A full localStorage costs only the unread counts, never a message.
	writeLocal(keyFor(userId), JSON.stringify(counts), storage);
}
