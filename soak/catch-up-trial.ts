// One catch-up trial: a tablet is offline while a backlog of messages is written and acknowledged by the relay; it
// then comes back through its link. How long until it holds every message? Shared by the soak's catch-up phase
// (the app's client against the product relay, a faulty link) and the bench's catch-up figure (both relays, a clean
// link): each says through CatchUpParties who writes, who reads and how the reader's network goes and returns.
import type { FaultCounts, FaultProfile, FaultProxy, LinkShape } from '../tests/helpers/fault-proxy.ts';

/** A shift: the backlog's messages are spread over 8 hours. */
export const SHIFT_MS = 8 * 3600_000;
/** Each way of the reader's link: 300 ms round trip on average. */
export const SHIFT_LINK_WAY: LinkShape = { delayMs: 140, jitterMs: 20 };

/** The writer and the reader of one conversation, the reader behind its own fault proxy. */
export interface CatchUpParties {
	/** The writer posts one message as the app does (the model's postMessage); returns the message id. */
	post(text: string, at: number): string;
	/** Resolves true once the relay has acknowledged everything the writer wrote, false after timeoutMs. */
	whenAcknowledged(timeoutMs: number): Promise<boolean>;
	/** The reader's link to the relay. */
	proxy: FaultProxy;
	/** The reader's network is gone (its proxy cut) / back. */
	disconnect(): void;
	reconnect(): void;
	/** The ids of the messages the reader holds now. */
	held(): Set<string>;
	/** The relay has accepted the reader's connection (it is joined). */
	online(): boolean;
}

export interface CatchUpTrial {
	/** From the network returning to holding the whole backlog, including the wait for the client's next retry. */
	ms: number;
	/** Of which: from the relay accepting the reader again to holding the whole backlog. */
	syncMs: number;
	/** What the reader's link did meanwhile. */
	connections: number;
	stalls: number;
	resets: number;
}

/** Forced trials: the reader's first connection after the network returns is stalled, or reset, on purpose. */
export type ForcedFault = 'stall' | 'reset';

export interface CatchUpTrialOptions {
	backlog: number;
	/** The messages' times are spread over this span, ending now (a shift). */
	spanMs: number;
	/** Starts each message's text, e.g. "Backlog 3": the trial's messages are told apart. */
	label: string;
	/** The reader's link once it is back. */
	link: FaultProfile;
	/** Its first connection is stalled or reset within 300 ms, on purpose. */
	fault?: ForcedFault | null;
	/** Give up after this long from the network returning. */
	timeoutMs: number;
}

/** The backlog did not arrive in time: `missing` acknowledged messages are not on the reader. */
export class CatchUpIncomplete extends Error {
	constructor(
		readonly missing: number,
		backlog: number,
		seconds: number
	) {
		super(`${missing} of ${backlog} messages not there after ${seconds} s`);
	}
}

export async function catchUpTrial(parties: CatchUpParties, options: CatchUpTrialOptions): Promise<CatchUpTrial> {
	const { backlog, link, fault } = options;
	parties.disconnect();
	const shiftStart = Date.now() - options.spanMs;
	const ids: string[] = [];
	for (let i = 0; i < backlog; i++) ids.push(parties.post(`${options.label}.${i}: spindle readings logged`, shiftStart + (i * options.spanMs) / backlog));
	if (!(await parties.whenAcknowledged(120_000))) throw new Error('the relay did not acknowledge the backlog');

	const before: FaultCounts = parties.proxy.counts();
	parties.proxy.setProfile(fault ? { ...link, stallRate: fault === 'stall' ? 1 : 0, resetRate: fault === 'reset' ? 1 : 0, faultWithinMs: 300 } : link);
	const started = Date.now();
	parties.reconnect();
	const deadline = started + options.timeoutMs;
	const missing = () => {
		const held = parties.held();
		return ids.filter((id) => !held.has(id)).length;
	};
	let online: number | undefined;
	while (missing() > 0 && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 20));
		// Only the first connection is forced to fail; the next ones take their chances as usual.
		if (fault && parties.proxy.counts().connections > before.connections) parties.proxy.setProfile(link);
		if (parties.online()) online ??= Date.now();
		else online = undefined;
	}
	const stillMissing = missing();
	if (stillMissing > 0) throw new CatchUpIncomplete(stillMissing, backlog, (Date.now() - started) / 1000);
	const done = Date.now();
	const after = parties.proxy.counts();
	return {
		ms: done - started,
		syncMs: done - (online ?? started),
		connections: after.connections - before.connections,
		stalls: after.stalls - before.stalls,
		resets: after.resets - before.resets
	};
}
