// A sync shape (bench/lib/sync-run.ts) played by light clients (light-client.ts): writers set numbered keys in one
// shared document, every reader notes when each arrives. The clients add almost nothing, so latency and CPU per
// delivery are the relay's own: frame in, durable, frames out.
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { cpuMs } from './proc.ts';
import { LightClient } from './light-client.ts';
import { startRelay, type RelayKind } from './relays.ts';
import { sleep } from './stats.ts';
import { DRAIN_MS, summarizeRun, WARMUP_MS, type SyncRunResult, type SyncShape } from './sync-run.ts';

export interface LightRunOptions {
	/** Added to the relay's environment (DATABASE_URL: its documents in PostgreSQL). */
	env?: NodeJS.ProcessEnv;
	/** CPU time of other processes doing the relay's work (the database's), ms so far: counted with the relay's. */
	otherCpuMs?: () => number;
}

export async function runLightShape(kind: RelayKind, shape: SyncShape, options: LightRunOptions = {}): Promise<SyncRunResult> {
	const relay = await startRelay(kind, options.env);
	const cpuNow = () => cpuMs(relay.pid) + (options.otherCpuMs?.() ?? 0);
	const clients: LightClient[] = [];
	const timers: NodeJS.Timeout[] = [];
	try {
		const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
		const writerNames = Array.from({ length: shape.writers }, (_, i) => `w${i}`);
		const readerNames = Array.from({ length: shape.readers }, (_, i) => `r${i}`);
		await relay.grant([{ documentId, users: [...writerNames, ...readerNames] }]);
		const writers = writerNames.map((name) => new LightClient(relay.url, name));
		const readers = readerNames.map((name) => new LightClient(relay.url, name));
		clients.push(...writers, ...readers);
		await Promise.all(clients.map((c) => c.joined));
		writers[0]!.create(documentId);
		await sleep(500);
		for (const writer of writers.slice(1)) writer.open(documentId);

		// sentAt.get("w0:12") = when writer 0 wrote its key 12; arrivals: when each reader first had it.
		const sentAt = new Map<string, number>();
		const arrivals = new Map<string, number[]>();
		for (const reader of readers) {
			const seen = new Map<string, number>();
			reader.open(documentId, (doc) => {
				const now = performance.now();
				for (const writer of writerNames) {
					for (let s = seen.get(writer) ?? 0; doc.get('_root', `${writer}:${s}`) !== undefined; s++) {
						const key = `${writer}:${s}`;
						const at = sentAt.get(key);
						if (at !== undefined) arrivals.set(key, [...(arrivals.get(key) ?? []), now - at]);
						seen.set(writer, s + 1);
					}
				}
			});
		}
		await sleep(1000);

		let measuring = false;
		const measured: string[] = [];
		writers.forEach((writer, w) => {
			let seq = 0;
			const tick = () => {
				const key = `w${w}:${seq++}`;
				sentAt.set(key, performance.now());
				if (measuring) measured.push(key);
				writer.write(documentId, key, seq);
			};
			timers.push(setTimeout(() => timers.push(setInterval(tick, shape.intervalMs)), (w * shape.intervalMs) / shape.writers));
		});
		await sleep(shape.warmupMs ?? WARMUP_MS);
		measuring = true;
		const cpuStart = cpuNow();
		await sleep(shape.durationMs);
		measuring = false;
		timers.forEach((t) => (clearInterval(t), clearTimeout(t)));
		await sleep(DRAIN_MS);
		const cpuUsed = cpuNow() - cpuStart;

		return summarizeRun(measured, arrivals, shape.readers, cpuUsed);
	} finally {
		timers.forEach((t) => (clearInterval(t), clearTimeout(t)));
		clients.forEach((c) => c.close());
		await relay.stop();
	}
}
