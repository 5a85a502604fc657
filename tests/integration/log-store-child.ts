// A writer in its own process for the document stores' kill -9 and full-disk tests: opens the store (the log on a
// directory, or PostgreSQL), appends real Automerge changes to several documents as fast as the store acknowledges
// them, and prints each acknowledged one; the parent kills it whenever it likes and checks the store.
// Usage: node --import tsx tests/integration/log-store-child.ts '<json ChildPlan>'
// Prints "ready", then per append "ack <doc> <n>" or "fail <doc> <n> <code>", and "paused <step>" when it holds
// compaction at the planned step. On stdin, "close" closes the store (then prints "closed") and "stop" stops
// appending (then prints "stopped"); with `held` in the plan it loads its modules and waits for "go" before it
// opens the store (so it can start while the store is still someone else's).
import { createInterface } from 'node:readline';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import type { DocumentStore } from '../../sync-server/storage/document-store.ts';
import { openLogStore, type CompactionStep } from '../../sync-server/storage/log-store.ts';
import { openDatabase } from '../../sync-server/storage/postgres-database.ts';
import { openPostgresDocumentStore } from '../../sync-server/storage/postgres-document-store.ts';
import { Tally } from '../helpers/tally-doc.ts';

export interface ChildPlan {
	directory: string;
	documents: string[];
	/** Numbers pushed are `base + i`, so each run's are its own. */
	base: number;
	segmentBytes: number;
	compactAfterMs: number;
	/** Hand compaction the writer's own copies (as the engine does), or make it load the documents. */
	snapshotOf: boolean;
	/** Hold compaction at the n-th time it reaches this step (the parent kills the process there). */
	pauseAt?: { step: CompactionStep; occurrence: number };
	/** Pause between two appends of a document, ms (0: none). */
	spacingMs?: number;
	/** Wait for "go" on stdin before opening the store. */
	held?: boolean;
	/** The PostgreSQL store in this database instead of the log in `directory` (segmentBytes, snapshotOf and pauseAt then do not apply). */
	databaseUrl?: string;
}

const plan = JSON.parse(process.argv[2] ?? '') as ChildPlan;
const say = (line: string) => process.stdout.write(`${line}\n`);
const tallies = new Map<string, Tally>();
let reached = 0;
let writing = true;
let go: () => void;
const going = new Promise<void>((resolve) => (go = resolve));

createInterface({ input: process.stdin }).on('line', (command) => {
	if (command === 'go') go();
	// The writers finish the append they are in; then nothing more is appended.
	if (command === 'stop') writing = false;
	if (command === 'close') void store.close().then(() => say('closed'));
});
if (plan.held) await going;

const log = (message: string) => process.stderr.write(`${message}\n`);
const store: DocumentStore = plan.databaseUrl
	? await openPostgresDocumentStore({ pool: (await openDatabase(plan.databaseUrl, { log })).pool, compactAfterMs: plan.compactAfterMs, compactAtChanges: 1, log })
	: await openLogStore({
			directory: plan.directory,
			segmentBytes: plan.segmentBytes,
			compactAfterMs: plan.compactAfterMs,
			snapshotOf: plan.snapshotOf ? (id) => tallies.get(id)?.save() : undefined,
			log,
			compactionStep: (step) => {
				if (step !== plan.pauseAt?.step || ++reached !== plan.pauseAt.occurrence) return;
				say(`paused ${step}`);
				return new Promise<void>(() => {});
			}
		});
for (const id of plan.documents) {
	const chunks = await store.load(id as DocumentId);
	tallies.set(id, chunks ? Tally.load(chunks) : Tally.create());
}

say('ready');
await Promise.all(
	plan.documents.map(async (id) => {
		const tally = tallies.get(id)!;
		for (let i = 0; writing; i++) {
			const n = plan.base + i;
			const { bytes, heads } = tally.push(n);
			try {
				await store.append(id as DocumentId, bytes);
				tally.acknowledged(heads);
				say(`ack ${id} ${n}`);
			} catch (error) {
				say(`fail ${id} ${n} ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			if (plan.spacingMs) await new Promise((resolve) => setTimeout(resolve, plan.spacingMs));
		}
	})
);
say('stopped');
