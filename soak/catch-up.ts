// The catch-up figure: a tablet is offline while a shift's worth of messages (500, written over an 8-hour span) is
// written and acknowledged by the relay; it then comes back through a 300 ms round trip on which 5% of connections
// stall or are reset. How long until it holds all 500? Several trials on one relay, each with a fresh backlog.
import { DEFAULT_BACKOFF } from '../src/lib/sync/backoff.ts';
import { percentile } from '../bench/lib/stats.ts';
import type { FaultCounts, FaultProfile } from '../tests/helpers/fault-proxy.ts';
import { World } from '../tests/helpers/convergence/world.ts';

export const BACKLOG = 500;
const SHIFT_MS = 8 * 3600_000;
export const CATCH_UP_LINK: FaultProfile = {
	up: { delayMs: 140, jitterMs: 20 },
	down: { delayMs: 140, jitterMs: 20 },
	stallRate: 0.025,
	resetRate: 0.025,
	faultWithinMs: 5000
};

export interface CatchUpTrial {
	/** From the network returning to holding all 500, including the wait for the app's next retry (its backoff). */
	ms: number;
	/** Of which: from the relay accepting the reader again to holding all 500. */
	syncMs: number;
	/** What the reader's link did meanwhile. */
	connections: number;
	stalls: number;
	resets: number;
}

/** Forced trials: the reader's first connection after the network returns is stalled, or reset, on purpose. */
export type ForcedFault = 'stall' | 'reset';

export interface CatchUpResult {
	backlog: number;
	rttMs: number;
	faultShare: number;
	trials: CatchUpTrial[];
	medianMs: number | null;
	maxMs: number | null;
	medianSyncMs: number | null;
	/** Acknowledged backlog messages the reader never got. */
	/** One trial each with the first connection stalled / reset within its first 300 ms: what one such fault costs. */
	forced: Partial<Record<ForcedFault, CatchUpTrial>>;
	lost: number;
	failure?: string;
}

export async function catchUp(options: { seed: number; budgetMs: number; minTrials: number; timeoutMs?: number; log: (line: string) => void }): Promise<CatchUpResult> {
	const { seed, log } = options;
	const world = new World(seed, {}, DEFAULT_BACKOFF);
	const trials: CatchUpTrial[] = [];
	const forced: Partial<Record<ForcedFault, CatchUpTrial>> = {};
	let lost = 0;
	let failure: string | undefined;
	const ends = Date.now() + options.budgetMs;
	try {
		await world.start(2);
		const [writer, reader] = world.clients as [(typeof world.clients)[0], (typeof world.clients)[0]];
		const plan = (): ForcedFault | null | undefined => {
			if (trials.length < options.minTrials || Date.now() < ends) return null;
			return (['stall', 'reset'] as const).find((f) => !forced[f]);
		};
		for (let fault = plan(); fault !== undefined; fault = plan()) {
			world.disconnect(reader);
			const shiftStart = Date.now() - SHIFT_MS;
			const ids: string[] = [];
			for (let i = 0; i < BACKLOG; i++) ids.push(world.post(writer, `Backlog ${trials.length}.${i}: spindle readings logged`, shiftStart + (i * SHIFT_MS) / BACKLOG).id);
			if (!(await writer.repo.delivery.whenDelivered(writer.conversation, 120_000))) throw new Error('the relay did not acknowledge the backlog');

			const before: FaultCounts = reader.proxy.counts();
			reader.proxy.setProfile(fault ? { ...CATCH_UP_LINK, stallRate: fault === 'stall' ? 1 : 0, resetRate: fault === 'reset' ? 1 : 0, faultWithinMs: 300 } : CATCH_UP_LINK);
			const started = Date.now();
			world.reconnect(reader);
			const deadline = started + (options.timeoutMs ?? 180_000);
			const missing = () => {
				const held = world.messageIds(reader);
				return ids.filter((id) => !held.has(id)).length;
			};
			let online: number | undefined;
			while (missing() > 0 && Date.now() < deadline) {
				await new Promise((r) => setTimeout(r, 20));
				// Only the first connection is forced to fail; the next ones take their chances as usual.
				if (fault && reader.proxy.counts().connections > before.connections) reader.proxy.setProfile(CATCH_UP_LINK);
				if (reader.repo.connection.current.status === 'online') online ??= Date.now();
				else online = undefined;
			}
			const after = reader.proxy.counts();
			const stillMissing = missing();
			if (stillMissing > 0) {
				lost += stillMissing;
				throw new Error(`trial ${trials.length + 1}: ${stillMissing} of ${BACKLOG} messages not there after ${(Date.now() - started) / 1000} s`);
			}
			const done = Date.now();
			const trial = { ms: done - started, syncMs: done - (online ?? started), connections: after.connections - before.connections, stalls: after.stalls - before.stalls, resets: after.resets - before.resets };
			if (fault) forced[fault] = trial;
			else trials.push(trial);
			log(`catch-up ${fault ? `with the first connection ${fault === 'stall' ? 'stalled' : 'reset'}` : `trial ${trials.length}`}: ${BACKLOG} messages in ${trial.ms} ms, ${trial.syncMs} ms of it connected (${trial.connections} connection(s), ${trial.stalls} stalled, ${trial.resets} reset)`);
		}
	} catch (error) {
		failure = `SEED=${seed} catch-up: ${error instanceof Error ? error.message : String(error)}`;
		log(failure);
	} finally {
		await world.close().catch(() => {});
	}
	const times = trials.map((t) => t.ms);
	return {
		backlog: BACKLOG,
		rttMs: 2 * (CATCH_UP_LINK.up!.delayMs! + CATCH_UP_LINK.up!.jitterMs! / 2),
		faultShare: CATCH_UP_LINK.stallRate! + CATCH_UP_LINK.resetRate!,
		trials,
		forced,
		medianMs: times.length ? percentile(times, 50) : null,
		maxMs: times.length ? Math.max(...times) : null,
		medianSyncMs: times.length ? percentile(trials.map((t) => t.syncMs), 50) : null,
		lost,
		failure
	};
}
