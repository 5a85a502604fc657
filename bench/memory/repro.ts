// Reproduction of the relay's memory growth under load (issue 15), small enough to run in a minute: the relay's
// DocumentSync rounds on the real log store, the members' devices in a worker thread (clients.ts, a wasm instance
// of their own), 500 two-member conversations, messages posted at RATE per second in rotation as bench/capacity.ts
// posts them. Prints the relay thread's wasm memory (tests/helpers/wasm-memory.ts) every REPORT messages, then how
// much the same documents take loaded into a fresh instance from their saved bytes (the floor).
// Issue 15: 4.1 KB of wasm memory per message before forgetPatches() (document-sync.ts), 0.47 KB after; the floor
// is ~0.3 KB (docs/figures.md).
//   npx tsx bench/memory/repro.ts   (env: MESSAGES, RATE, CONVERSATIONS, REPORT, COMPACT_MS; COMPACT=0: no compaction)
import { wasmMemoryBytes } from '../../tests/helpers/wasm-memory.ts'; // first: it must see Automerge's instance made
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { openLogStore } from '../../sync-server/storage/log-store.ts';
import { DocumentSync } from '../../sync-server/sync/document-sync.ts';
import { SharedSyncState } from '../../sync-server/sync/shared-sync-state.ts';
import { sleep } from '../lib/stats.ts';
import type { FromClients, ToClients, Who } from './clients.ts';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONVERSATIONS = env('CONVERSATIONS', 500);
const MESSAGES = env('MESSAGES', 30_000);
const RATE = env('RATE', 500);
const REPORT = env('REPORT', 3000);
// The capacity run compacts every 30 s at 50 msg/s: the same number of messages between compactions here.
const COMPACT_MS = env('COMPACT_MS', (30_000 * 50) / RATE);
const COMPACT = process.env.COMPACT !== '0';
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

interface Peer {
	peerId: string;
	c: number;
	who: Who;
}

const directory = mkdtempSync(join(tmpdir(), 'memory-repro-'));
const documents: DocumentSync<Peer>[] = [];
const byId = new Map<string, DocumentSync<Peer>>();
const store = await openLogStore({
	directory,
	compactAfterMs: COMPACT ? COMPACT_MS : 1e9,
	segmentBytes: COMPACT ? undefined : 2 ** 40,
	snapshotOf: (id) => byId.get(id)?.save()
});
// tsx registered in the worker itself: Node 20 does not pass the parent's loader hooks on to a worker thread.
const clientsWorker = () =>
	new Worker(`import('tsx/esm/api').then(({ register }) => (register(), import(${JSON.stringify(new URL('./clients.ts', import.meta.url).href)})))`, { eval: true });
const clients = clientsWorker();
const post = (message: ToClients) => clients.postMessage(message);
let deliveries: Extract<ToClients, { kind: 'deliver' }>['messages'] = [];
let deliveryScheduled = false;
let delivered = 0;
const peers = Array.from({ length: CONVERSATIONS }, (_, c) => ({ a: { peerId: `a${c}`, c, who: 'a' as Who }, b: { peerId: `b${c}`, c, who: 'b' as Who } }));
for (let c = 0; c < CONVERSATIONS; c++) {
	const id = `doc${c}` as DocumentId;
	const document = new DocumentSync<Peer>(id, store.load(id), {
		deliver(peer, message) {
			if (message.type === 'doc-unavailable') return;
			delivered++;
			deliveries.push({ c: peer.c, who: peer.who, data: message.data });
			if (deliveryScheduled) return;
			deliveryScheduled = true;
			setImmediate(() => {
				deliveryScheduled = false;
				post({ kind: 'deliver', messages: deliveries });
				deliveries = [];
			});
		},
		invalid: (peer, reason) => console.error(peer.peerId, reason),
		persist: (documentId, changes) => store.append(documentId, changes),
		unloadable: () => console.error('unloadable'),
		log: console.error
	});
	documents.push(document);
	byId.set(id, document);
}
clients.on('message', (message: FromClients) => {
	if (message.kind !== 'sync') return;
	for (const { c, who, type, data } of message.messages) documents[c]!.receive(peers[c]![who], type, data);
});

const report = (label: string) => {
	const m = process.memoryUsage();
	console.log(`${label}\twasm ${mb(wasmMemoryBytes())} MB\theap ${mb(m.heapUsed)} MB\trss ${mb(m.rss)} MB\tsync states ${SharedSyncState.live}\tdelivered ${delivered}\tlog records ${store.stats().recordsAwaitingCompaction}\tcompacted ${store.stats().compactedDocuments}`);
};

post({ kind: 'create', conversations: CONVERSATIONS });
await sleep(2000);
post({ kind: 'open' });
await sleep(2000);
report('start');
const started = performance.now();
let round = 0;
for (let sent = 0; sent < MESSAGES; ) {
	const batch = Math.max(1, Math.round(RATE / 10));
	const first = (round++ * batch) % CONVERSATIONS;
	post({ kind: 'write', conversations: Array.from({ length: batch }, (_, k) => (first + k) % CONVERSATIONS) });
	const before = Math.floor(sent / REPORT);
	sent += batch;
	const due = started + (sent / RATE) * 1000;
	await sleep(Math.max(0, due - performance.now()));
	if (Math.floor(sent / REPORT) !== before) report(`${sent} msgs`);
}
await sleep(2000);
report('end');
const saves = documents.map((d) => d.save()!);
console.log(`saved documents: ${mb(saves.reduce((s, b) => s + b.byteLength, 0))} MB in all`);
// The floor: the same documents loaded from their saved bytes into a fresh instance.
const loader = clientsWorker();
const floor = await new Promise<number>((resolve) => {
	loader.once('message', (m: FromClients) => m.kind === 'loaded' && resolve(m.wasmBytes));
	loader.postMessage({ kind: 'load', documents: saves } satisfies ToClients);
});
console.log(`the same documents loaded from their save() into a fresh instance: wasm ${mb(floor)} MB`);
await loader.terminate();
await clients.terminate();
for (const document of documents) document.dispose();
await store.close();
rmSync(directory, { recursive: true, force: true });
