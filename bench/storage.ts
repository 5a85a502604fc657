// The relay's document store on this disk: appends per second and append latency with 1, 16 and 256 concurrent
// writers, the log store (group commit: one fdatasync per batch) against the chunk store it replaces (a file per
// append: temporary file, fdatasync, rename, directory fsync), in the same run; what background compaction costs
// the latency of appends; and how long a store takes to open with a large log not yet compacted.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '@automerge/automerge';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { postMessage } from '../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../src/lib/model/ids.ts';
import { backend } from '../sync-server/storage/automerge-backend.ts';
import { openChunkDocumentStore } from '../sync-server/storage/chunk-document-store.ts';
import { openLogStore, type LogStoreOptions } from '../sync-server/storage/log-store.ts';
import { directChat } from './lib/conversations.ts';
import { figure, noGoal, ratioAtMost, type BenchGroup, type Figure } from './lib/figure.ts';
import { percentile } from './lib/stats.ts';

export type Append = (documentId: DocumentId, changes: Uint8Array) => Promise<void>;
export interface Run {
	perSecond: number;
	p50: number;
	p99: number;
	max: number;
}

export const docId = (i: number) => `Bench${i.toString().padStart(5, '0')}xStorage` as DocumentId;
/** Compaction out of the way: one segment for the whole run, no timer. */
const NEVER_COMPACT = { segmentBytes: 2 ** 40, compactAfterMs: 3_600_000 };

export const storage: BenchGroup = {
	name: 'Relay document store',
	async run({ quick, log }) {
		const seconds = quick ? 1.5 : 5;
		const root = mkdtempSync(join(tmpdir(), 'bench-storage-'));
		let dirs = 0;
		const freshDir = () => join(root, `d${dirs++}`, 'automerge');
		try {
			log('making chat changes…');
			const changes = chatChanges(quick ? 300 : 1500);
			const figures: Figure[] = [];
			for (const writers of [1, 16, 256]) {
				const ours = await withLogStore(freshDir(), NEVER_COMPACT, (append) => measure(append, writers, seconds, changes));
				const chunkStore = await openChunkDocumentStore(freshDir());
				const chunks = await measure((id, bytes) => chunkStore.append(id, bytes), writers, seconds, changes);
				await chunkStore.close();
				log(`${writers} writers: ${ours.perSecond.toFixed(0)} vs ${chunks.perSecond.toFixed(0)} appends/s`);
				const name = `document store, ${writers} writer${writers > 1 ? 's' : ''}`;
				const note = 'baseline: the chunk store it replaces (a file per append), same run';
				figures.push(
					figure(`${name}: appends per second`, ours.perSecond, 'count', chunks.perSecond, noGoal, note),
					figure(`${name}: p50 append latency`, ours.p50, 'ms', chunks.p50, ratioAtMost(0.5), note),
					figure(`${name}: p99 append latency`, ours.p99, 'ms', chunks.p99, noGoal, note)
				);
			}

			// A compaction round every second (a record waits up to 30 s by default), with the writers' own copies of the
			// documents (as the engine hands them over for those it holds) and without (compaction loads each document).
			// Every writer's document is the same chain of changes: the engine's copy of each is that document, saved
			// whenever compaction asks (its save is on the same event loop, so it counts).
			const quiet = await withLogStore(freshDir(), NEVER_COMPACT, (append) => measure(append, 16, seconds, changes));
			const held = backend.create({});
			held.loadIncremental(Buffer.concat(changes));
			for (const copies of [true, false]) {
				let compacted = 0;
				const options = { segmentBytes: 4 * 1024 * 1024, compactAfterMs: 1000, snapshotOf: copies ? () => held.save() : undefined };
				const busy = await withLogStore(freshDir(), options, async (append, store) => {
					const run = await measure(append, 16, seconds, changes);
					compacted = store.stats().compactedDocuments;
					return run;
				});
				log(`compaction ${copies ? 'with' : 'without'} the writers' copies: ${compacted} documents compacted while appending`);
				const name = `document store, 16 writers, compacting ${copies ? "with the engine's copies" : 'by loading documents'}`;
				const note = `baseline: the same 16 writers with compaction off; ${compacted} documents compacted during the run`;
				figures.push(
					figure(`${name}: p50 append latency`, busy.p50, 'ms', quiet.p50, noGoal, note),
					figure(`${name}: p99 append latency`, busy.p99, 'ms', quiet.p99, ratioAtMost(2), note)
				);
			}
			held.free();

			figures.push(await startWithLargeLog(freshDir(), quick ? 16 : 64, changes, log));
			return figures;
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	}
};

/** A chain of real changes to one chat (a text message each), as the app sends them; every writer replays it. */
export function chatChanges(count: number): Uint8Array[] {
	let doc = A.from(directChat('Spindle SC-1042', 0) as unknown as Record<string, unknown>) as unknown as A.Doc<ConversationDoc>;
	const changes = [A.save(doc)];
	for (let i = 0; i < count; i++) {
		doc = A.change(doc, (d) => postMessage(d, { id: asMessageId(`b${i}`), author: asUserId('petr'), at: Date.now(), text: `Reading ${i}: vibration 4.2 mm/s at 12000 rpm, bearing temperature 61 °C` }));
		changes.push(A.getLastLocalChange(doc)!);
	}
	return changes;
}

async function withLogStore<T>(directory: string, options: Partial<LogStoreOptions>, use: (append: Append, store: Awaited<ReturnType<typeof openLogStore>>) => Promise<T>): Promise<T> {
	const store = await openLogStore({ directory, ...options });
	try {
		return await use((id, bytes) => store.append(id, bytes), store);
	} finally {
		await store.close();
	}
}

/** `writers` loops, each appending the chain of changes to its own document as fast as appends resolve; after a warm-up. */
export async function measure(append: Append, writers: number, seconds: number, changes: Uint8Array[]): Promise<Run> {
	const loop = async (ms: number, latencies: number[]) => {
		const end = performance.now() + ms;
		await Promise.all(
			Array.from({ length: writers }, async (_, w) => {
				for (let i = 0; performance.now() < end; i++) {
					const began = performance.now();
					await append(docId(w), changes[i % changes.length]!);
					latencies.push(performance.now() - began);
				}
			})
		);
	};
	await loop(500, []);
	const latencies: number[] = [];
	const began = performance.now();
	await loop(seconds * 1000, latencies);
	return { perSecond: latencies.length / ((performance.now() - began) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) };
}

/** A log of `mebibytes` over 10,000 documents, never compacted (a relay killed under load), opened again. */
async function startWithLargeLog(directory: string, mebibytes: number, changes: Uint8Array[], log: (m: string) => void): Promise<Figure> {
	log(`writing a ${mebibytes} MiB log…`);
	await withLogStore(directory, NEVER_COMPACT, async (append, store) => {
		let next = 0;
		await Promise.all(
			Array.from({ length: 256 }, async () => {
				while (store.stats().logBytes < mebibytes * 1024 * 1024) {
					const n = next++;
					await append(docId(n % 10_000), changes[Math.floor(n / 10_000) % changes.length]!);
				}
			})
		);
	});
	const logDir = join(directory, 'log');
	const readBegan = performance.now();
	for (const name of readdirSync(logDir)) readFileSync(join(logDir, name));
	const readMs = performance.now() - readBegan;
	const began = performance.now();
	const store = await openLogStore({ directory, ...NEVER_COMPACT });
	const openMs = performance.now() - began;
	const { recordsAwaitingCompaction: records, documentsAwaitingCompaction: documents } = store.stats();
	await store.close();
	log(`opened ${records} records of ${documents} documents in ${openMs.toFixed(0)} ms (reading the files alone: ${readMs.toFixed(0)} ms)`);
	return figure(`document store: open with a ${mebibytes} MiB log not compacted (${records} records)`, openMs, 'ms', readMs, noGoal, 'baseline: reading the same files, nothing else');
}
