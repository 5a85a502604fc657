// Group commit under kill -9: a writer process appends real Automerge changes to ten documents as fast as the log
// store acknowledges them, with segments so small that it compacts all the time; it is killed at a seeded random
// moment, or (every third round) exactly while compaction is held at a named step. After each kill the store is
// opened again and every change the writer saw acknowledged, in this round or an earlier one, must be there, and
// every document must load. SEED=<n> replays a run; LOG_KILL_ROUNDS=<n> runs longer (25 by default).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { afterAll, expect, it } from 'vitest';
import { openLogStore, type CompactionStep } from '../../sync-server/storage/log-store.ts';
import { prng, seedFromEnv } from '../helpers/prng.ts';
import { tallyEntries } from '../helpers/tally-doc.ts';
import type { ChildPlan } from './log-store-child.ts';
import { spawnWriter, type WriterChild } from './log-store-harness.ts';

const ROUNDS = Number(process.env.LOG_KILL_ROUNDS ?? 25);
const SEED = seedFromEnv();
const STEPS: CompactionStep[] = ['rotated', 'temp-synced', 'renamed', 'written', 'old-removed', 'segment-deleted'];

const root = mkdtempSync(join(tmpdir(), 'caseroom-log-kill-'));
const writers: WriterChild[] = [];
afterAll(async () => {
	await Promise.all(writers.map((w) => w.kill()));
	rmSync(root, { recursive: true, force: true });
});

it(`keeps every acknowledged change through ${ROUNDS} kill -9s, in the middle of compaction too (SEED=${SEED})`, { timeout: 30_000 + ROUNDS * 6_000 }, async () => {
	const random = prng(SEED);
	const directory = join(root, 'automerge');
	const documents = Array.from({ length: 10 }, (_, i) => `K9doc${i}x${SEED.toString(36)}`);
	const acknowledged = new Map<string, Set<number>>(documents.map((id) => [id, new Set()]));
	const kills = { atRandom: 0, atStep: new Map<string, number>() };

	const spawnRound = (round: number) => {
		const plan: ChildPlan = {
			directory,
			documents,
			base: round * 1_000_000,
			segmentBytes: random.pick([1024, 4096, 16_384]),
			compactAfterMs: random.int(10, 300),
			snapshotOf: random.chance(0.5),
			pauseAt: round % 3 === 2 ? { step: random.pick(STEPS), occurrence: random.int(1, 4) } : undefined,
			held: true
		};
		const child = spawnWriter(plan);
		writers.push(child);
		return { plan, wait: random.int(20, 700), child };
	};
	// The next round's writer starts (loads its modules) while this one runs, and opens the store on "go".
	let next = spawnRound(0);
	for (let round = 0; round < ROUNDS; round++) {
		const { plan, wait, child: writer } = next;
		const where = `round ${round} (SEED=${SEED}, plan ${JSON.stringify({ ...plan, directory: undefined })})`;
		writer.send('go');
		await writer.waitFor(/^ready$/);
		if (round + 1 < ROUNDS) next = spawnRound(round + 1);
		if (plan.pauseAt) {
			await writer.waitFor(/^paused /, 15_000).catch((error: Error) => expect.fail(`${where}: ${error.message}`));
			kills.atStep.set(plan.pauseAt.step, (kills.atStep.get(plan.pauseAt.step) ?? 0) + 1);
		} else {
			await new Promise((resolve) => setTimeout(resolve, wait));
			kills.atRandom++;
		}
		await writer.kill();
		for (const [id, numbers] of writer.acks) for (const n of numbers) acknowledged.get(id)!.add(n);

		const store = await openLogStore({ directory, log: () => {} });
		try {
			for (const id of documents) {
				let entries: Set<number>;
				try {
					entries = new Set(tallyEntries(await store.load(id as DocumentId)));
				} catch (error) {
					expect.fail(`${where}: document ${id} does not load: ${String(error)}`);
				}
				const lost = [...acknowledged.get(id)!].filter((n) => !entries.has(n));
				expect(lost, `${where}: document ${id} lost acknowledged changes`).toEqual([]);
			}
		} finally {
			await store.close();
		}
	}
	const total = [...acknowledged.values()].reduce((sum, s) => sum + s.size, 0);
	console.log(`log store kill -9, SEED=${SEED}: ${ROUNDS} rounds, ${total} acknowledged changes kept, ${kills.atRandom} kills at random, at steps ${JSON.stringify(Object.fromEntries(kills.atStep))}`);
	expect(total).toBeGreaterThan(ROUNDS * 10);
});
