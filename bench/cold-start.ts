// Relay cold start with 10,000 stored conversations, the relay started as `npm start` starts it: from spawning the
// process to answering; its resident memory at rest (5 s after ready, nobody connected); then how long one
// conversation takes to sync to a connected member. Baseline: the stock relay on a copy of the same documents.
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
import { allOf, atMost, figure, ratioAtMost, type BenchGroup } from './lib/figure.ts';
import { rssMb } from './lib/proc.ts';
import { pollReady, startProduct } from './lib/product.ts';
import { connectClient, ROOT, stopChild } from './lib/relays.ts';
import { percentile, sleep } from './lib/stats.ts';

const PROBES = 5;
const AT_REST_MS = 5000;

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

			const product = await startProduct(dataDir);
			const oursAtRest = await rssAtRest(product.pid);
			const ours = await syncTimes(product.url, probes);
			await product.stop();
			const stock = await stockColdStart(stockDir, probes);
			return [
				figure(`cold start with ${count} conversations: ready`, product.readyMs / 1000, 's', stock.readyMs / 1000, allOf(atMost(5), ratioAtMost(1)), 'spawn → first 200 from /health'),
				figure(`cold start with ${count} conversations: relay RSS at rest`, oursAtRest, 'MB', stock.rssAtRest, ratioAtMost(1), `${AT_REST_MS / 1000} s after ready, nobody connected`),
				figure(`cold start: one conversation then syncs (worst of ${PROBES})`, Math.max(...ours), 'ms', Math.max(...stock.syncMs), atMost(200)),
				figure(`cold start: one conversation then syncs (median of ${PROBES})`, percentile(ours, 50), 'ms', percentile(stock.syncMs, 50), atMost(200))
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

/** Petr's device, connected, asks for each probe conversation in turn: find() → ready. */
async function syncTimes(url: string, probes: DocumentId[]): Promise<number[]> {
	const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'petr', password: 'demo' }) });
	const { token } = (await login.json()) as { token: string };
	const client = createClientRepo({ url: `${url.replace('http', 'ws')}/sync`, token, userId: 'petr', webSocket: WebSocket });
	try {
		await client.relay.whenReady();
		return await timeFinds(client.repo as unknown as Repo, probes);
	} finally {
		await client.shutdown();
	}
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

/** Resident memory once the relay has been ready for a while with nobody connected, MB. */
async function rssAtRest(pid: number): Promise<number> {
	await sleep(AT_REST_MS);
	return rssMb(pid);
}

async function stockColdStart(dir: string, probes: DocumentId[]): Promise<{ readyMs: number; rssAtRest: number; syncMs: number[] }> {
	const started = performance.now();
	const child = spawn(process.execPath, ['bench/relays/stock-relay.mjs', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const port = () => /listening (\d+)/.exec(output)?.[1];
	const ready = await pollReady(child, () => (port() ? `http://127.0.0.1:${port()}` : undefined), () => output, '/');
	const atRest = await rssAtRest(child.pid!);
	const client = connectClient({ kind: 'stock', url: `ws://127.0.0.1:${port()}` }, 'petr');
	try {
		await client.repo.networkSubsystem.whenReady();
		return { readyMs: ready - started, rssAtRest: atRest, syncMs: await timeFinds(client.repo, probes) };
	} finally {
		await client.shutdown();
		await stopChild(child);
	}
}
