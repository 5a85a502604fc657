// Relay capacity: 1,000 connected clients in 500 two-member conversations, 50 conversations posting a message a
// second, for the full 10 minutes. Relay CPU, resident memory over time (it must stay flat: automerge-repo keeps
// every document and every peer's sync state in memory) and p99 latency from the writer to the other member.
// Baseline: the stock relay under the same load, for a shorter time (its growth is scaled to 10 minutes).
// BENCH_CAPACITY_MINUTES / BENCH_CAPACITY_BASELINE_MINUTES set the two durations.
import type { DocHandle } from '@automerge/automerge-repo';
import { atMost, figure, noGoal, ratioAtMost, type BenchGroup } from './lib/figure.ts';
import { cpuMs, rssMb } from './lib/proc.ts';
import { connectClient, startRelay, type BenchClient, type RelayKind } from './lib/relays.ts';
import { whenRelayHas } from './lib/relay-holds.ts';
import { percentile, sleep } from './lib/stats.ts';
import { watch, type BenchDoc } from './lib/sync-run.ts';

const CONVERSATIONS = 500;
const POSTING = 50;
const WARMUP_MS = 30_000;

interface CapacityResult {
	p99: number;
	p50: number;
	/** Share of one core, %. */
	cpuPercent: number;
	rssEndMb: number;
	/** RSS change from the end of warm-up to the end, scaled to 10 minutes. */
	growthPer10MinMb: number;
	lost: number;
}

/** Minutes of measured load (after the warm-up): the full ten in a normal run. */
function capacityMinutes(quick: boolean): { ours: number; stock: number } {
	const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
	return { ours: env('BENCH_CAPACITY_MINUTES') ?? (quick ? 0.5 : 10), stock: env('BENCH_CAPACITY_BASELINE_MINUTES') ?? (quick ? 0.5 : 2) };
}

export const capacity: BenchGroup = {
	name: 'Relay capacity',
	async run({ quick, log }) {
		const minutes = capacityMinutes(quick);
		log(`stock relay, ${minutes.stock} min…`);
		const stock = await runCapacity('stock', minutes.stock, log);
		log(`Caseroom relay, ${minutes.ours} min…`);
		const ours = await runCapacity('caseroom', minutes.ours, log);
		const prefix = `capacity (1,000 clients, 500 conversations, 50 msg/s, ${minutes.ours} min)`;
		const baseline = `baseline measured over ${minutes.stock} min`;
		return [
			figure(`${prefix}: p99 latency`, ours.p99, 'ms', stock.p99, atMost(100)),
			figure(`${prefix}: p50 latency`, ours.p50, 'ms', stock.p50, noGoal),
			figure(`${prefix}: relay RSS at the end`, ours.rssEndMb, 'MB', stock.rssEndMb, atMost(512), baseline),
			figure(`${prefix}: relay RSS growth after warm-up, per 10 min`, ours.growthPer10MinMb, 'MB', stock.growthPer10MinMb, atMost(10), `${baseline}, scaled to 10 min`),
			figure(`${prefix}: relay CPU, % of one core`, ours.cpuPercent, 'count', stock.cpuPercent, ratioAtMost(1), baseline),
			figure(`${prefix}: deliveries lost`, ours.lost, 'count', stock.lost, atMost(0))
		];
	}
};

async function runCapacity(kind: RelayKind, minutes: number, log: (m: string) => void): Promise<CapacityResult> {
	const relay = await startRelay(kind);
	const clients: BenchClient[] = [];
	let timer: NodeJS.Timeout | undefined;
	try {
		const writers: DocHandle<BenchDoc>[] = [];
		const readers: DocHandle<BenchDoc>[] = [];
		for (let batch = 0; batch < CONVERSATIONS; batch += 50) {
			const pairs = Array.from({ length: 50 }, (_, i) => [connectClient(relay, `a${batch + i}`), connectClient(relay, `b${batch + i}`)] as const);
			clients.push(...pairs.flat());
			const created = pairs.map(([a]) => a.repo.create<BenchDoc>({ logs: { a: [] } }));
			await relay.grant(created.map((h, i) => ({ documentId: h.documentId, users: [`a${batch + i}`, `b${batch + i}`] })));
			for (const [i, h] of created.entries()) await whenRelayHas(pairs[i]![0].repo, h);
			writers.push(...created);
			readers.push(...(await Promise.all(pairs.map(([, b], i) => b.repo.find<BenchDoc>(created[i]!.url)))));
		}
		log(`${kind}: ${clients.length} clients connected`);
		const arrivals = new Map<string, number[]>();
		readers.forEach((h, i) => watch(h, arrivals, `c${i}`));
		const sent: { key: string; measured: boolean }[] = [];
		let measuring = false;
		let round = 0;
		// Each second, 50 conversations post one message; the posting set rotates through all 500.
		const seqs = new Array<number>(CONVERSATIONS).fill(0);
		const post = () => {
			const first = (round++ * POSTING) % CONVERSATIONS;
			for (let k = 0; k < POSTING; k++) {
				const c = (first + k) % CONVERSATIONS;
				const s = seqs[c]!++;
				setTimeout(() => {
					writers[c]!.change((d) => void d.logs.a!.push({ s, t: performance.now(), text: `Message ${s} in conversation ${c}` }));
					sent.push({ key: `c${c}:a:${s}`, measured: measuring });
				}, (k * 1000) / POSTING);
			}
		};
		timer = setInterval(post, 1000);
		await sleep(Math.min(WARMUP_MS, minutes * 30_000));
		measuring = true;
		const cpuStart = cpuMs(relay.pid);
		const rssStart = rssMb(relay.pid);
		const measureMs = minutes * 60_000;
		const started = performance.now();
		for (let elapsed = 0; elapsed < measureMs; elapsed += 60_000) {
			await sleep(Math.min(60_000, measureMs - elapsed));
			log(`${kind}: ${((performance.now() - started) / 60_000).toFixed(1)} min, RSS ${rssMb(relay.pid).toFixed(0)} MB`);
		}
		measuring = false;
		const cpuUsed = cpuMs(relay.pid) - cpuStart;
		const wallMs = performance.now() - started;
		const rssEnd = rssMb(relay.pid);
		clearInterval(timer);
		await sleep(2000);
		const latencies: number[] = [];
		let lost = 0;
		for (const { key } of sent.filter((s) => s.measured)) {
			const times = arrivals.get(key);
			if (times?.length) latencies.push(times[0]!);
			else lost++;
		}
		return {
			p99: percentile(latencies, 99),
			p50: percentile(latencies, 50),
			cpuPercent: (cpuUsed / wallMs) * 100,
			rssEndMb: rssEnd,
			growthPer10MinMb: ((rssEnd - rssStart) / wallMs) * 600_000,
			lost
		};
	} finally {
		clearInterval(timer);
		for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map((c) => c.shutdown()));
		await relay.stop();
	}
}
