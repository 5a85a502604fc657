// One run of a sync shape against one relay: writers append to their own list in one shared document, every reader
// notes when each entry arrives. Per change: latency to the first and to the last reader; relay CPU per delivery
// (one change reaching one reader); deliveries that never arrived.
import type { DocHandle } from '@automerge/automerge-repo';
import { cpuMs } from './proc.ts';
import { whenRelayHas } from './relay-holds.ts';
import { connectClient, startRelay, type BenchClient, type RelayKind } from './relays.ts';
import { percentile, sleep } from './stats.ts';

export interface SyncShape {
	writers: number;
	readers: number;
	/** Each writer changes the document this often. */
	intervalMs: number;
	durationMs: number;
	warmupMs?: number;
}

export interface SyncRunResult {
	firstP50: number;
	firstP99: number;
	lastP50: number;
	lastP99: number;
	/** Relay CPU time per delivered change per reader, µs. */
	cpuPerDeliveryUs: number;
	lost: number;
	changes: number;
}

export interface Entry {
	s: number;
	t: number;
	text: string;
}
export interface BenchDoc {
	logs: Record<string, Entry[]>;
}

// The first seconds of traffic pay V8's tier-up of the Automerge wasm in background threads (about 1 s of CPU):
// measuring from the start would charge it to the first few hundred deliveries.
export const WARMUP_MS = 5000;
export const DRAIN_MS = 2000;

/** The figures of a run from the changes measured, when each reader had each (ms after it was made), the relay's CPU. */
export function summarizeRun(measured: string[], arrivals: Map<string, number[]>, readers: number, cpuUsedMs: number): SyncRunResult {
	const first: number[] = [];
	const last: number[] = [];
	let lost = 0;
	for (const key of measured) {
		const times = arrivals.get(key) ?? [];
		lost += readers - times.length;
		if (times.length === 0) continue;
		first.push(Math.min(...times));
		last.push(Math.max(...times));
	}
	return {
		firstP50: percentile(first, 50),
		firstP99: percentile(first, 99),
		lastP50: percentile(last, 50),
		lastP99: percentile(last, 99),
		cpuPerDeliveryUs: (cpuUsedMs * 1000) / (measured.length * readers),
		lost,
		changes: measured.length
	};
}

export async function runSyncShape(kind: RelayKind, shape: SyncShape): Promise<SyncRunResult> {
	const relay = await startRelay(kind);
	const clients: BenchClient[] = [];
	const timers: NodeJS.Timeout[] = [];
	try {
		const writers = Array.from({ length: shape.writers }, (_, i) => connectClient(relay, `w${i}`));
		const readers = Array.from({ length: shape.readers }, (_, i) => connectClient(relay, `r${i}`));
		clients.push(...writers, ...readers);
		const created = writers[0]!.repo.create<BenchDoc>({ logs: Object.fromEntries(writers.map((_, i) => [`w${i}`, []])) });
		await relay.grant([{ documentId: created.documentId, users: [...writers.map((_, i) => `w${i}`), ...readers.map((_, i) => `r${i}`)] }]);
		await whenRelayHas(writers[0]!.repo, created);
		const writerHandles = [created, ...(await Promise.all(writers.slice(1).map((w) => w.repo.find<BenchDoc>(created.url))))];
		// Every member connected first: a find sent while 200 sockets are still opening can be answered "unavailable".
		await Promise.all(clients.map((c) => c.repo.networkSubsystem.whenReady()));
		const readerHandles = await Promise.all(readers.map((r) => r.repo.find<BenchDoc>(created.url)));

		// arrivals.get("w0:12") = the times (ms since the change) at which readers saw entry 12 of writer 0.
		const arrivals = new Map<string, number[]>();
		readerHandles.forEach((handle) => watch(handle, arrivals));

		let measuring = false;
		let cpuStart = 0;
		const sent: { key: string; measured: boolean }[] = [];
		writerHandles.forEach((handle, w) => {
			let seq = 0;
			const tick = () => {
				const s = seq++;
				handle.change((d) => void d.logs[`w${w}`]!.push({ s, t: performance.now(), text: `Reading ${s}: spindle at 8000 rpm, 1.7 mm/s` }));
				sent.push({ key: `w${w}:${s}`, measured: measuring });
			};
			// Writers are spread evenly over the interval, as independent people would be.
			const start = setTimeout(() => timers.push(setInterval(tick, shape.intervalMs)), (w * shape.intervalMs) / shape.writers);
			timers.push(start);
		});
		await sleep(shape.warmupMs ?? WARMUP_MS);
		measuring = true;
		cpuStart = cpuMs(relay.pid);
		await sleep(shape.durationMs);
		measuring = false;
		timers.forEach(clearInterval);
		timers.forEach(clearTimeout);
		await sleep(DRAIN_MS);
		const cpuUsed = cpuMs(relay.pid) - cpuStart;

		return summarizeRun(sent.filter((c) => c.measured).map((c) => c.key), arrivals, shape.readers, cpuUsed);
	} finally {
		timers.forEach(clearInterval);
		await Promise.all(clients.map((c) => c.shutdown()));
		await relay.stop();
	}
}

/** Notes the arrival of every entry this reader has not seen yet; each writer's list only grows at its end. */
export function watch(handle: DocHandle<BenchDoc>, arrivals: Map<string, number[]>, prefix = ''): void {
	const seen = new Map<string, number>();
	const take = (doc: BenchDoc) => {
		const now = performance.now();
		for (const [writer, entries] of Object.entries(doc.logs)) {
			for (let i = seen.get(writer) ?? 0; i < entries.length; i++) {
				const entry = entries[i]!;
				const key = `${prefix ? `${prefix}:` : ''}${writer}:${entry.s}`;
				const list = arrivals.get(key) ?? [];
				list.push(now - entry.t);
				arrivals.set(key, list);
			}
			seen.set(writer, entries.length);
		}
	};
	take(handle.doc());
	handle.on('change', ({ doc }) => take(doc));
}
