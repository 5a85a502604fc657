// The catch-up figure: a tablet is offline while a shift's worth of messages (500, written over an 8-hour span) is
// written and acknowledged by the relay; it then comes back through a 300 ms round trip on which 5% of connections
// stall or are reset. How long until it holds all 500? Several trials on one relay, each with a fresh backlog.
import { DEFAULT_BACKOFF } from '../src/lib/sync/backoff.ts';
import { percentile } from '../bench/lib/stats.ts';
import type { FaultProfile } from '../tests/helpers/fault-proxy.ts';
import { World, type WorldClient } from '../tests/helpers/convergence/world.ts';
import { catchUpTrial, CatchUpIncomplete, SHIFT_LINK_WAY, SHIFT_MS, type CatchUpParties, type CatchUpTrial, type ForcedFault } from './catch-up-trial.ts';

export const BACKLOG = 500;
export const CATCH_UP_LINK: FaultProfile = {
	up: SHIFT_LINK_WAY,
	down: SHIFT_LINK_WAY,
	stallRate: 0.025,
	resetRate: 0.025,
	faultWithinMs: 5000
};

export interface CatchUpResult {
	backlog: number;
	rttMs: number;
	faultShare: number;
	trials: CatchUpTrial[];
	medianMs: number | null;
	maxMs: number | null;
	medianSyncMs: number | null;
	/** One trial each with the first connection stalled / reset within its first 300 ms: what one such fault costs. */
	forced: Partial<Record<ForcedFault, CatchUpTrial>>;
	/** Acknowledged backlog messages the reader never got. */
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
		const parties = worldParties(world, writer, reader);
		for (let fault = plan(); fault !== undefined; fault = plan()) {
			const label = `Backlog ${trials.length}`;
			const trial = await catchUpTrial(parties, { backlog: BACKLOG, spanMs: SHIFT_MS, label, link: CATCH_UP_LINK, fault, timeoutMs: options.timeoutMs ?? 180_000 }).catch((error: unknown) => {
				if (error instanceof CatchUpIncomplete) lost += error.missing;
				throw new Error(`trial ${trials.length + 1}: ${error instanceof Error ? error.message : String(error)}`);
			});
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

/** The soak's parties: two signed-in app clients of the world's conversation, the reader behind its fault proxy. */
function worldParties(world: World, writer: WorldClient, reader: WorldClient): CatchUpParties {
	return {
		post: (text, at) => world.post(writer, text, at).id,
		whenAcknowledged: (timeoutMs) => writer.repo.delivery.whenDelivered(writer.conversation, timeoutMs),
		proxy: reader.proxy,
		disconnect: () => world.disconnect(reader),
		reconnect: () => world.reconnect(reader),
		held: () => world.messageIds(reader),
		online: () => reader.repo.connection.current.status === 'online'
	};
}
