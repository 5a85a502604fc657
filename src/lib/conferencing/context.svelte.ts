// What the Conferencing screen's parts share: the sync session and, once the Repo is open, the conversations.
// Provided through Svelte context by the conferencing layout rather than a module global, so each sign-in is fresh.
import { getContext, setContext } from 'svelte';
import type { SyncSession } from '$lib/sync/sync-session.svelte';
import type { ConversationStore } from './conversation-store.svelte';

export class Conferencing {
	store = $state.raw<ConversationStore | null>(null);
	constructor(readonly sync: SyncSession) {}
}

const KEY = Symbol('conferencing');

export const provideConferencing = (conferencing: Conferencing) => setContext(KEY, conferencing);
export const useConferencing = () => getContext<Conferencing>(KEY);
