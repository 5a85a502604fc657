// Who is in a conversation's call, as reactive state: listens to the conversation's ephemeral messages and keeps
// the roster. One watch per handle, shared by the banner in frame 2 and the call view, so a person who presses
// `Videoconference` already knows whether a call runs.
import type { DocHandle } from '@automerge/automerge-repo/slim';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import { applySignal, pruneRoster, runningCall, type Roster, type RunningCall } from './call-roster';
import { callSignal, HEARTBEAT_MS, parseCallSignal, PARTICIPANT_TTL_MS, type CallSignal } from './call-signal';

type Handle = DocHandle<ConversationDoc>;

export class CallWatch {
	#roster = $state.raw<Roster>(new Map());
	/** When the watch first asked who is in the call: a call is "none" only after an answer had time to come. */
	readonly askedAt: number;
	readonly #handle: Handle;
	#pruneTimer: ReturnType<typeof setTimeout> | undefined;
	readonly #listeners = new Set<(signal: CallSignal, sender: string) => void>();

	constructor(handle: Handle) {
		this.#handle = handle;
		handle.on('ephemeral-message', ({ message, senderId }) => {
			const signal = parseCallSignal(message);
			if (!signal) return;
			this.#roster = applySignal(this.#roster, signal, senderId, Date.now());
			this.#schedulePrune();
			for (const listener of this.#listeners) listener(signal, senderId);
		});
		this.askedAt = Date.now();
		this.ask();
	}

	/** Someone who lost the network just goes quiet: prune while anyone is listed. */
	#schedulePrune(): void {
		if (this.#pruneTimer || this.#roster.size === 0) return;
		this.#pruneTimer = setTimeout(() => {
			this.#pruneTimer = undefined;
			this.#roster = pruneRoster(this.#roster, Date.now(), PARTICIPANT_TTL_MS);
			this.#schedulePrune();
		}, HEARTBEAT_MS);
	}

	/** A getter, not $derived: the watch outlives the component that made it (a derived would die with it). */
	get call(): RunningCall | null {
		return runningCall(this.#roster);
	}

	get roster(): Roster {
		return this.#roster;
	}

	/** Asks everyone in the call to say so now (instead of at their next heartbeat). */
	ask(): void {
		this.send(callSignal({ kind: 'who' }));
	}

	send(signal: CallSignal): void {
		this.#handle.broadcast(signal);
	}

	/** Every valid call signal from others; returns the unsubscribe function. */
	listen(listener: (signal: CallSignal, sender: string) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
}

const watches = new WeakMap<Handle, CallWatch>();

/** The watch of this conversation's handle (made on first use, alive as long as the handle). */
export function callWatchFor(handle: Handle): CallWatch {
	let watch = watches.get(handle);
	if (!watch) watches.set(handle, (watch = new CallWatch(handle)));
	return watch;
}
