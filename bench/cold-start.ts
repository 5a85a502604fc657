// Relay cold start with 10,000 stored conversations, the relay started as `npm start` starts it: from spawning the
// process to answering, the CPU that took, its resident memory at rest (5 s after ready, and settled at 30 s; nobody
// connected), the first /peerjs connection (which loads the PeerJS server), then how long one conversation takes to
// sync to a connected member. Baseline: the stock relay on a copy of the same documents, started in turn with ours
// (median of three starts each).
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, Repo, type DocumentId } from '@automerge/automerge-repo';
import { WebSocket } from 'ws';
import type { ConversationDoc } from '../src/lib/model/conversation-schema.ts';
import { asUserId } from '../src/lib/model/ids.ts';
import { createClientRepo } from '../src/lib/sync/client-repo.ts';
import { decodeDirectoryEvent, type DirectoryEvent } from '../sync-server/directory/events.ts';
import { openJournal } from '../sync-server/storage/journal.ts';
import { DurableFsStorageAdapter } from '../sync-server/storage/fs-chunks.ts';
import { directChat } from './lib/conversations.ts';
import { allOf, atMost, figure, noGoal, ratioAtMost, type BenchGroup } from './lib/figure.ts';
import { pollReady, startProduct } from './lib/product.ts';
import { cpuMs, rssMb } from './lib/proc.ts';
import { connectClient, ROOT, stopChild } from './lib/relays.ts';
import { percentile, sleep } from './lib/stats.ts';

const PROBES = 5;
const STARTS = 3;
/** "At rest": this long after the first answer, nobody connected (the figure in docs/figures.md since the first measurement). */
const REST_MS = 5000;
/** Later, V8 has done its start-up collections (its memory reducer runs some 8-30 s in): measured on the last start. */
const SETTLED_MS = 30_000;

/** A relay process started on the stored conversations, ready, and how to sync a probe conversation through it. */
interface Started {
	pid: number;
	readyMs: number;
	syncTimes(probes: DocumentId[]): Promise<number[]>;
	/** Ours: milliseconds until /peerjs says OPEN, for the first connection since start and the one after it. */
	peerJoins?(): Promise<number[]>;
	stop(): Promise<void>;
}

interface StartFigures {
	readyMs: number[];
	cpuMs: number[];
	rssMb: number[];
	/** From the last start. */
	settledMb: number[];
	syncMs: number[];
	peerMs: number[];
}

export const coldStart: BenchGroup = {
	name: 'Relay cold start',
	async run({ quick, log }) {
		const count = quick ? 1000 : 10_000;
		const dataDir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
		const stockDir = mkdtempSync(join(tmpdir(), 'bench-cold-stock-'));
		try {
			// A first start on the empty DATA_DIR loads the demo directory (Petr, Eva, …).
			await (await startProduct(dataDir)).stop();
			log(`writing ${count} conversations…`);
			const ids = await storeConversations(join(dataDir, 'automerge'), count);
			registerConversations(dataDir, ids);
			cpSync(join(dataDir, 'automerge'), stockDir, { recursive: true });
			const probes = Array.from({ length: PROBES }, (_, i) => ids[Math.floor(((i + 0.5) * ids.length) / PROBES)]!);
			// What a relay does once with documents it has not seen before (converting them to its own layout) is an
			// upgrade, not a start: the start measured is the next one.
			await (await startProduct(dataDir)).stop();

			const ours: StartFigures = { readyMs: [], cpuMs: [], rssMb: [], settledMb: [], syncMs: [], peerMs: [] };
			const stock: StartFigures = { readyMs: [], cpuMs: [], rssMb: [], settledMb: [], syncMs: [], peerMs: [] };
			for (let i = 0; i < STARTS; i++) {
				log(`start ${i + 1} of ${STARTS}, each relay in turn…`);
				await measureStart(() => startOurs(dataDir), ours, i === STARTS - 1 ? probes : []);
				await measureStart(() => startStock(stockDir), stock, i === STARTS - 1 ? probes : []);
			}
			const median = (values: number[]) => percentile(values, 50);
			return [
				figure(`cold start with ${count} conversations: ready (median of ${STARTS})`, median(ours.readyMs) / 1000, 's', median(stock.readyMs) / 1000, allOf(atMost(5), ratioAtMost(1)), 'spawn → first 200 from /health; ours through npm start'),
				figure(`cold start with ${count} conversations: CPU until ready (median of ${STARTS})`, median(ours.cpuMs), 'ms', median(stock.cpuMs), noGoal, 'user + system, from /proc (10 ms ticks): steadier than wall time on a busy machine'),
				figure(`cold start with ${count} conversations: RSS at rest (median of ${STARTS})`, median(ours.rssMb), 'MB', median(stock.rssMb), ratioAtMost(1), `${REST_MS / 1000} s after ready, nobody connected`),
				figure(`cold start with ${count} conversations: RSS at rest, settled`, ours.settledMb[0]!, 'MB', stock.settledMb[0]!, noGoal, `${SETTLED_MS / 1000} s after ready, nobody connected, last start`),
				figure('cold start: the first /peerjs connection (loads the PeerJS server)', ours.peerMs[0]!, 'ms', ours.peerMs[1]!, atMost(250), 'baseline: the next connection'),
				figure(`cold start: one conversation then syncs (worst of ${PROBES})`, Math.max(...ours.syncMs), 'ms', Math.max(...stock.syncMs), atMost(200)),
				figure(`cold start: one conversation then syncs (median of ${PROBES})`, median(ours.syncMs), 'ms', median(stock.syncMs), atMost(200))
			];
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
			rmSync(stockDir, { recursive: true, force: true });
		}
	}
};

/**
 * Writes each document as one snapshot chunk under its id, the way automerge-repo stores them (our adapter,
 * without fsync: this is set-up). Going through a Repo would take minutes for 10,000 documents.
 */
async function storeConversations(dir: string, count: number): Promise<DocumentId[]> {
	const storage = new DurableFsStorageAdapter(dir, { fsync: false });
	const ids: DocumentId[] = [];
	for (let i = 0; i < count; i++) {
		const { documentId } = parseAutomergeUrl(generateAutomergeUrl());
		await storage.save([documentId, 'snapshot', 'bench'], A.save(A.from(directChat(`Conversation ${i}`, 20) as unknown as Record<string, unknown>)));
		ids.push(documentId);
	}
	return ids;
}

/** Registers them in the relay's directory journal, Petr and Eva as members, in one atomic rewrite. */
function registerConversations(dataDir: string, ids: DocumentId[]): void {
	const records: DirectoryEvent[] = [];
	const { journal } = openJournal<DirectoryEvent>(join(dataDir, 'directory.jsonl'), decodeDirectoryEvent, () => {}, (record) => records.push(record));
	const registered: DirectoryEvent[] = ids.map((id) => ({
		type: 'conversationRegistered',
		conversation: { id: id as never, kind: 'direct', caseId: null, members: [asUserId('eva')], createdBy: asUserId('petr'), createdAt: Date.now() }
	}));
	journal.rewrite([...records, ...registered]);
	journal.close();
}

async function measureStart(start: () => Promise<Started>, into: StartFigures, probes: DocumentId[]): Promise<void> {
	const relay = await start();
	try {
		into.readyMs.push(relay.readyMs);
		into.cpuMs.push(cpuMs(relay.pid));
		await sleep(REST_MS);
		into.rssMb.push(rssMb(relay.pid));
		if (probes.length) {
			await sleep(SETTLED_MS - REST_MS);
			into.settledMb.push(rssMb(relay.pid));
		}
		if (probes.length) into.peerMs.push(...((await relay.peerJoins?.()) ?? []));
		if (probes.length) into.syncMs.push(...(await relay.syncTimes(probes)));
	} finally {
		await relay.stop();
	}
}

/** Caseroom as `npm start` runs it; Petr's device, connected, asks for each probe conversation in turn. */
async function startOurs(dataDir: string): Promise<Started> {
	const product = await startProduct(dataDir);
	const signIn = async () => {
		const login = await fetch(`${product.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'petr', password: 'demo' }) });
		return ((await login.json()) as { token: string }).token;
	};
	return {
		...product,
		async peerJoins() {
			const token = await signIn();
			const join = (id: string) =>
				new Promise<number>((resolve, reject) => {
					const started = performance.now();
					const ws = new WebSocket(`${product.url.replace('http', 'ws')}/peerjs/peerjs?key=peerjs&id=petr-${id}&token=${token}`);
					ws.once('message', () => (resolve(performance.now() - started), ws.close()));
					ws.once('error', reject);
				});
			return [await join('bench1'), await join('bench2')];
		},
		async syncTimes(probes) {
			const token = await signIn();
			const client = createClientRepo({ url: `${product.url.replace('http', 'ws')}/sync`, token, userId: 'petr', webSocket: WebSocket });
			try {
				await client.relay.whenReady();
				return await timeFinds(client.repo as unknown as Repo, probes);
			} finally {
				await client.shutdown();
			}
		}
	};
}

async function startStock(dir: string): Promise<Started> {
	const started = performance.now();
	const child = spawn(process.execPath, ['bench/relays/stock-relay.mjs', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const port = () => /listening (\d+)/.exec(output)?.[1];
	const ready = await pollReady(child, () => (port() ? `http://127.0.0.1:${port()}` : undefined), () => output, '/');
	return {
		pid: child.pid!,
		readyMs: ready - started,
		async syncTimes(probes) {
			const client = connectClient({ kind: 'stock', url: `ws://127.0.0.1:${port()}` }, 'petr');
			try {
				await client.repo.networkSubsystem.whenReady();
				return await timeFinds(client.repo, probes);
			} finally {
				await client.shutdown();
			}
		},
		stop: () => stopChild(child)
	};
}

async function timeFinds(repo: Repo, probes: DocumentId[]): Promise<number[]> {
	const times: number[] = [];
	for (const id of probes) {
		const start = performance.now();
		await repo.find(id);
		times.push(performance.now() - start);
	}
	return times;
}
