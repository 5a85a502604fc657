// Several relay nodes (issue #18): a change written through one node reaching members connected to the others, and
// what going multi-node costs a change, in the same run as one node.
// 100 conversations, each with one writer and two readers, light clients, 500 changes/s in all (a change per
// conversation every 200 ms). One node: everyone on it, documents in PostgreSQL. Three nodes: the same PostgreSQL
// plus Redis between them; conversation i's writer is on node i mod 3 and its readers on the two other nodes, so every
// delivery crosses nodes. Latency: from the writer's change to each reader having it. CPU per delivery counts every
// process doing the work: the nodes, PostgreSQL, and Redis. PostgreSQL and Redis are this run's own (tests/helpers).
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { startRedis } from '../tests/helpers/redis.ts';
import { allOf, atMost, figure, noGoal, ratioAtMost, type BenchGroup } from './lib/figure.ts';
import { LightClient } from './lib/light-client.ts';
import { cpuMs } from './lib/proc.ts';
import { startRelay, type BenchRelay } from './lib/relays.ts';
import { sleep } from './lib/stats.ts';
import { DRAIN_MS, WARMUP_MS, type SyncRunResult } from './lib/sync-run.ts';
import { TimedWrites } from './lib/timed-writes.ts';

const CONVERSATIONS = 100;
const READERS = 2;
const INTERVAL_MS = 200;

export const fanout: BenchGroup = {
	name: 'Several relay nodes on PostgreSQL and Redis (light clients)',
	async run({ quick, log }) {
		const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
		try {
			const durationMs = quick ? 5000 : 20_000;
			const conversations = quick ? 30 : CONVERSATIONS;
			log(`one node: ${conversations} conversations, ${(conversations * 1000) / INTERVAL_MS} changes/s…`);
			const others = { postgres: () => postgres.cpuMs(), redis: () => redis.cpuMs() };
			const one = await runNodes(1, { DATABASE_URL: await postgres.createDatabase() }, { postgres: others.postgres }, conversations, durationMs, log);
			log(`three nodes: the same load, every delivery from one node to another…`);
			const three = await runNodes(3, { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url }, others, conversations, durationMs, log);
			const note = 'baseline: one node on the same PostgreSQL, same run';
			const rate = `${(conversations * 1000) / INTERVAL_MS} changes/s across ${conversations} conversations`;
			return [
				figure('multi-node: change on A reaches a member on B, p50', three.lastP50, 'ms', one.lastP50, allOf(atMost(5), ratioAtMost(1.5)), `${note}; ${rate}`),
				figure('multi-node: change on A reaches a member on B, p99', three.lastP99, 'ms', one.lastP99, allOf(atMost(25), ratioAtMost(1.5)), note),
				figure('multi-node: CPU per delivery, every process (nodes, PostgreSQL, Redis)', three.cpuPerDeliveryUs, 'µs', one.cpuPerDeliveryUs, ratioAtMost(1.5), note),
				figure('multi-node: deliveries lost', three.lost, 'count', one.lost, atMost(0), `${three.changes} changes measured`),
				figure('multi-node: one node, p99 (the baseline above)', one.lastP99, 'ms', null, noGoal)
			];
		} finally {
			await Promise.all([postgres.close(), redis.close()]);
		}
	}
};

/** `services`: the CPU used so far by each shared server doing the nodes' work (PostgreSQL, Redis), ms. */
async function runNodes(count: number, env: NodeJS.ProcessEnv, services: Record<string, () => number>, conversations: number, durationMs: number, log: (message: string) => void): Promise<SyncRunResult> {
	const nodes: BenchRelay[] = [];
	const clients: LightClient[] = [];
	const writes = new TimedWrites();
	// Each process's CPU so far: the nodes', then each service's.
	const cpuParts = () => [...nodes.map((node) => cpuMs(node.pid)), ...Object.values(services).map((used) => used())];
	try {
		for (let i = 0; i < count; i++) nodes.push(await startRelay('caseroom', env));
		const node = (i: number) => nodes[i % count]!;
		const plan = Array.from({ length: conversations }, (_, c) => {
			const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
			const writer = new LightClient(node(c).url, `w${c}`);
			const readers = Array.from({ length: READERS }, (_, r) => new LightClient(node(c + 1 + r).url, `r${c}-${r}`));
			return { documentId, writer, readers };
		});
		const grants = plan.map((p, c) => ({ documentId: p.documentId, users: [`w${c}`, ...p.readers.map((_, r) => `r${c}-${r}`)] }));
		// Every node keeps its own ACL in the bench relay: each is told.
		await Promise.all(nodes.map((n) => n.grant(grants)));
		for (const p of plan) clients.push(p.writer, ...p.readers);
		await Promise.all(clients.map((c) => c.joined));
		for (const p of plan) p.writer.create(p.documentId);
		await sleep(1000);

		plan.forEach((p, c) => {
			for (const reader of p.readers) reader.open(p.documentId, writes.reader([`c${c}`]));
		});
		await sleep(2000);

		// Spread over the interval, as 100 people typing are.
		plan.forEach((p, c) => writes.start(`c${c}`, INTERVAL_MS, (c * INTERVAL_MS) / conversations, (key, seq) => p.writer.write(p.documentId, key, seq)));
		await sleep(WARMUP_MS);
		writes.measure(true);
		const cpuStart = cpuParts();
		await sleep(durationMs);
		writes.measure(false);
		writes.stop();
		await sleep(DRAIN_MS);
		const used = cpuParts().map((ms, i) => ms - cpuStart[i]!);
		const names = [...nodes.map((_, i) => `node ${i + 1}`), ...Object.keys(services)];
		log(`CPU per change: ${used.map((ms, i) => `${names[i]} ${Math.round((ms * 1000) / writes.measuredCount)} µs`).join(', ')}`);
		return writes.summary(READERS, used.reduce((sum, ms) => sum + ms, 0));
	} finally {
		writes.stop();
		clients.forEach((c) => c.close());
		await Promise.all(nodes.map((n) => n.stop()));
	}
}
