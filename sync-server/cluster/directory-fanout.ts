// The directory across relay nodes (REDIS_URL): access is global and instant. After each commit a node publishes a
// notice on the bus (no content: the events are in PostgreSQL); every other node catches up (reads the events after
// the last it applied) and runs, for each event another node committed, the same hooks the API runs where the change
// was made: a registered conversation or added member is served at once, a removed member loses the conversation
// (sync, files, calls), a disabled person or a password reset closes every connection. Token epochs live in the
// directory, so a revoked token is refused by every node as soon as it caught up.
//
// A notice may be lost (at most once): each node also catches up when the bus is back after an outage, and every
// couple of seconds (one indexed query that usually returns nothing).
import type { UserId } from '../../src/lib/model/ids.ts';
import type { DirectoryEvent } from '../directory/events.ts';
import { documentsOfConversation, type DirectoryReads, type DirectoryStore } from '../directory/store.ts';
import type { AccessHooks } from '../http/api.ts';
import { coalesced } from './coalesced.ts';
import type { NodeBus } from './node-bus.ts';

const TOPIC = 'directory';
const NOTICE = new Uint8Array(0);

export type DirectoryEffect =
	| { hook: 'accessChanged'; documentIds: string[] }
	| { hook: 'accessRevoked'; userIds: UserId[]; conversationId: string; documentIds: string[] }
	| { hook: 'cutOff'; userId: UserId };

/** What an event committed elsewhere means for the connections here, the directory already showing it. Reads no I/O. */
export function directoryEffects(event: DirectoryEvent, reads: Pick<DirectoryReads, 'documentsOf'>): DirectoryEffect[] {
	switch (event.type) {
		case 'conversationRegistered':
			return [{ hook: 'accessChanged', documentIds: documentsOfConversation(reads, event.conversation.id) }];
		case 'membersAdded':
			return [{ hook: 'accessChanged', documentIds: documentsOfConversation(reads, event.conversationId) }];
		case 'documentAttached':
			return [{ hook: 'accessChanged', documentIds: [event.document.documentId] }];
		case 'membersRemoved':
			return [{ hook: 'accessRevoked', userIds: event.members, conversationId: event.conversationId, documentIds: documentsOfConversation(reads, event.conversationId) }];
		case 'personDisabled':
		case 'passwordSet':
			return [{ hook: 'cutOff', userId: event.userId }];
		default:
			return [];
	}
}

export interface DirectoryFanoutOptions {
	bus: NodeBus;
	store: DirectoryStore;
	hooks: AccessHooks;
	/** How often to catch up without a notice (default 2 s). */
	catchUpEveryMs?: number;
	log(message: string): void;
}

/** Links the directory to the other nodes; resolves once listening, to the call that unlinks it. */
export async function linkDirectory(options: DirectoryFanoutOptions): Promise<() => Promise<void>> {
	const { bus, store, hooks, log } = options;
	const stopWatching = store.watch((event, here) => {
		if (here) return bus.publish(TOPIC, NOTICE);
		for (const effect of directoryEffects(event, store)) {
			try {
				if (effect.hook === 'accessChanged') hooks.accessChanged(effect.documentIds);
				else if (effect.hook === 'accessRevoked') hooks.accessRevoked(effect.userIds, effect.conversationId, effect.documentIds);
				else hooks.cutOff(effect.userId);
			} catch (error) {
				log(`Applying another relay node's directory change (${event.type}) here failed: ${String(error)}`);
			}
		}
	});
	// One catch-up at a time; notices arriving meanwhile make one more.
	const shared = coalesced(() => store.catchUp().catch((error: unknown) => log(`Catching up with other relay nodes' directory changes failed: ${String(error)}`)));
	let latest: Promise<void> = Promise.resolve();
	const catchUp = () => void (latest = shared());
	const unsubscribe = await bus.subscribe(TOPIC, catchUp);
	const stopResumed = bus.onResumed(catchUp);
	const timer = setInterval(catchUp, options.catchUpEveryMs ?? 2000);
	timer.unref();
	// What was committed before this node listened.
	catchUp();
	return async () => {
		clearInterval(timer);
		stopResumed();
		stopWatching();
		await latest;
		await unsubscribe();
	};
}
