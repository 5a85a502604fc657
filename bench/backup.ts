// What `npm run admin -- backup` costs a running relay: 16 writers append to the document store (compacting every
// second, as a busy relay does) while backups of its DATA_DIR run back to back in the same process, against the same
// writers with no backup, in the same run. Also how long a backup of that DATA_DIR takes against `cp -a` of it, and
// how long it holds compaction.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { takeBackup, type BackupSummary } from '../sync-server/backup/backup.ts';
import { createFsBlobStore } from '../sync-server/files/blob-store.ts';
import type { LogStore } from '../sync-server/storage/log-store.ts';
import { openRelayDocumentStore } from '../sync-server/storage/relay-document-store.ts';
import { manifestOf } from '../tests/helpers/report-conversation.ts';
import { figure, noGoal, ratioAtMost, type BenchGroup, type Figure } from './lib/figure.ts';
import { chatChanges, docId, measure, type Run } from './storage.ts';

const CONVERSATIONS = 200;

export const backup: BenchGroup = {
	name: 'Backups',
	async run({ quick, log }) {
		const seconds = quick ? 2 : 6;
		const root = mkdtempSync(join(tmpdir(), 'bench-backup-'));
		const dataDir = join(root, 'data');
		const store = await openRelayDocumentStore(dataDir, { segmentBytes: 4 * 1024 * 1024, compactAfterMs: 1000 });
		try {
			const changes = chatChanges(quick ? 100 : 300);
			const files = quick ? 16 : 64;
			log(`filling DATA_DIR: ${CONVERSATIONS} conversations, ${files} files of 1 MiB…`);
			await fill(dataDir, store, changes, files);
			const append = (id: Parameters<LogStore['append']>[0], bytes: Uint8Array) => store.append(id, bytes);

			const quiet = await withLoopDelay(() => measure(append, 16, seconds, changes));
			const backups: BackupSummary[] = [];
			let running = true;
			const loop = (async () => {
				for (let n = 0; running; n++) {
					const target = join(root, `backup-${n}`);
					backups.push(await takeBackup({ dataDir, target, documents: store }));
					// Not rmSync: it would stall the writers' event loop and be counted against the backup.
					await rm(target, { recursive: true, force: true });
				}
			})();
			const busy = await withLoopDelay(() => measure(append, 16, seconds, changes));
			running = false;
			await loop;

			const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
			const mb = Math.round(backups[0]!.totalBytes / 1024 / 1024);
			const copyMs = timed(() => execFileSync('cp', ['-a', dataDir, join(root, 'cp')]));
			const alone = await takeBackup({ dataDir, target: join(root, 'alone'), documents: store });
			log(`${backups.length} backups of ${mb} MB while appending; p99 ${busy.p99.toFixed(1)} ms against ${quiet.p99.toFixed(1)} ms`);
			const note = `baseline: the same 16 writers with no backup, same run; ${backups.length} backups of ${mb} MB ran back to back`;
			const name = `16 writers during backups of ${mb} MB`;
			return [
				figure(`${name}: p50 append latency`, busy.p50, 'ms', quiet.p50, noGoal, note),
				figure(`${name}: p99 append latency`, busy.p99, 'ms', quiet.p99, ratioAtMost(3), note),
				figure(`${name}: longest append`, busy.max, 'ms', quiet.max, noGoal, note),
				figure(`${name}: longest event loop delay`, busy.loopMaxMs, 'ms', quiet.loopMaxMs, noGoal, note),
				figure(`backup of ${mb} MB, no writers: time`, alone.durationMs, 'ms', copyMs, noGoal, 'baseline: cp -a of the same DATA_DIR (no hashes, no fsync)'),
				figure(`backup of ${mb} MB under load: median time`, median(backups.map((b) => b.durationMs)), 'ms', alone.durationMs, noGoal, 'baseline: the same backup with no writers'),
				figure(`backup of ${mb} MB under load: compaction held (median)`, median(backups.map((b) => b.manifest.compactionHeldMs)), 'ms', null, noGoal, 'appends go on meanwhile'),
				figure(`backup of ${mb} MB under load: longest wait for a compaction step`, Math.max(...backups.map((b) => b.manifest.holdWaitedMs)), 'ms', null, noGoal)
			] satisfies Figure[];
		} finally {
			await store.close();
			rmSync(root, { recursive: true, force: true });
		}
	}
};

/** A relay's DATA_DIR: token key, a directory journal, 200 conversations (compacted, and more in the log), files. */
async function fill(dataDir: string, store: LogStore, changes: Uint8Array[], files: number): Promise<void> {
	writeFileSync(join(dataDir, 'token-key'), randomBytes(32));
	writeFileSync(join(dataDir, 'directory.jsonl'), Array.from({ length: 2000 }, (_, i) => JSON.stringify({ type: 'orgAdded', org: { id: `org-${i}`, name: `Organisation ${i}` } }) + '\n').join(''));
	const appendAll = async (from: number, to: number) => {
		for (let d = 0; d < CONVERSATIONS; d++) await Promise.all(changes.slice(from, to).map((c) => store.append(docId(d), c)));
	};
	await appendAll(0, Math.floor(changes.length / 2));
	await store.compactNow();
	await appendAll(Math.floor(changes.length / 2), changes.length);
	const blobs = createFsBlobStore(join(dataDir, 'blobs'));
	for (let f = 0; f < files; f++) {
		const bytes = randomBytes(1024 * 1024);
		const manifest = manifestOf(bytes);
		await blobs.putManifest(manifest, 'BenchConversation');
		for (let i = 0; i < manifest.chunks.length; i++) await blobs.putChunk(manifest.sha256, i, { bytes: bytes.subarray(i * manifest.chunkSize, (i + 1) * manifest.chunkSize), sha256: manifest.chunks[i]! }, 'BenchConversation');
	}
}

async function withLoopDelay(run: () => Promise<Run>): Promise<Run & { loopMaxMs: number }> {
	const delay = monitorEventLoopDelay({ resolution: 5 });
	delay.enable();
	try {
		return { ...(await run()), loopMaxMs: delay.max / 1e6 };
	} finally {
		delay.disable();
	}
}

function timed(run: () => unknown): number {
	const began = performance.now();
	run();
	return performance.now() - began;
}
