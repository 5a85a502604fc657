// A sync shape (bench/lib/sync-run.ts) played by light clients (light-client.ts): writers set numbered keys in one
// shared document, every reader notes when each arrives. The clients add almost nothing, so latency and CPU per
// delivery are the relay's own: frame in, durable, frames out.
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { cpuMs } from './proc.ts';
import { LightClient } from './light-client.ts';
import { startRelay, type RelayKind } from './relays.ts';
import { sleep } from './stats.ts';
import { DRAIN_MS, WARMUP_MS, type SyncRunResult, type SyncShape } from './sync-run.ts';
import { TimedWrites } from './timed-writes.ts';

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
	const writes = new TimedWrites();
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

		for (const reader of readers) reader.open(documentId, writes.reader(writerNames));
		await sleep(1000);

		writers.forEach((writer, w) =>
			writes.start(writerNames[w]!, shape.intervalMs, (w * shape.intervalMs) / shape.writers, (key, seq) => writer.write(documentId, key, seq))
		);
		await sleep(shape.warmupMs ?? WARMUP_MS);
		writes.measure(true);
		const cpuStart = cpuNow();
		await sleep(shape.durationMs);
		writes.measure(false);
		writes.stop();
		await sleep(DRAIN_MS);
		return writes.summary(shape.readers, cpuNow() - cpuStart);
	} finally {
		writes.stop();
		clients.forEach((c) => c.close());
		await relay.stop();
	}
}
