// Files peer to peer in Chromium on loopback, through the product's own /peerjs signalling: two pages (two
// renderer processes), Petr's serving from his IndexedDB blob store, Anna's asking through the peer ChunkSource
// (six chunks in flight, 64 KiB frames, backpressure on bufferedAmount). Baseline in the same run, between the same
// two pages: a bare RTCDataChannel (two RTCPeerConnections, SDP passed by hand) sending the same bytes as 64 KiB
// messages. Then the peak memory of Anna's renderer while the app's fetcher receives a 1 GB file into IndexedDB.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import type { Browser, Page } from 'playwright-core';
import type { ChunkManifest } from '../src/lib/model/file-manifest.ts';
import { p2pPages, relayServer } from '../tests/helpers/p2p-pages.ts';
import { launchBrowser, loginToken } from './lib/browser.ts';
import { atMost, figure, noGoal, ratioAtMost, type BenchGroup, type Figure } from './lib/figure.ts';
import { rssMb } from './lib/proc.ts';
import { startProduct } from './lib/product.ts';
import { percentile, sleep } from './lib/stats.ts';

const MB = 1024 * 1024;
type P2p = { p2p: Record<string, (...args: any[]) => Promise<any>> };

export const p2p: BenchGroup = {
	name: 'Files peer to peer',
	async run({ quick, log }) {
		const dataDir = mkdtempSync(join(tmpdir(), 'bench-p2p-'));
		const product = await startProduct(dataDir);
		const browser = await launchBrowser();
		try {
			const petrToken = await loginToken(product.url, 'petr');
			const conversationId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
			const res = await fetch(`${product.url}/api/conversations`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${petrToken}` },
				body: JSON.stringify({ documentId: conversationId, kind: 'case', caseId: 'SC-1042', members: ['anna'] })
			});
			if (res.status !== 201) throw new Error(`register: ${res.status}`);
			const pages = await p2pPages(product.url);
			const anna = await device(browser, pages, product.url, 'anna');
			const petr = await device(browser, pages, product.url, 'petr');
			return [
				...(await throughput(petr, anna, conversationId, quick ? 32 * MB : 256 * MB, quick ? 1 : 3, log)),
				...(await memory(browser, petr, anna, conversationId, quick ? 128 * MB : 1024 * MB, log))
			];
		} finally {
			await browser.close();
			await product.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	}
};

interface Device {
	page: Page;
	id: string;
}

async function device(browser: Browser, pages: Awaited<ReturnType<typeof p2pPages>>, origin: string, user: string): Promise<Device> {
	const token = await loginToken(origin, user);
	const page = await pages.page(browser);
	const id = `${user}-${randomBytes(6).toString('hex')}`;
	await page.evaluate((o) => (window as unknown as P2p).p2p.open!(o), { peerId: id, token, server: relayServer(origin), storeName: `bench-${id}` });
	return { page, id };
}

async function throughput(petr: Device, anna: Device, conversationId: string, size: number, runs: number, log: (m: string) => void): Promise<Figure[]> {
	log(`writing a ${size / MB} MB file into Petr's blob store`);
	const manifest = (await petr.page.evaluate((size) => (window as unknown as P2p).p2p.makeFile!(size, 7, true), size)) as ChunkManifest;
	await petr.page.evaluate(([id, file]) => (window as unknown as P2p).p2p.setConversation!(id, ['petr', 'anna'], [file]), [conversationId, manifest.sha256]);
	await anna.page.evaluate(([remote, id, m]) => (window as unknown as P2p).p2p.source!(remote, id, m), [petr.id, conversationId, manifest] as const);
	const peer: number[] = [];
	const bare: number[] = [];
	for (let run = 0; run < runs; run++) {
		const got = (await anna.page.evaluate(([file, count]) => (window as unknown as P2p).p2p.pull!(file, count), [manifest.sha256, manifest.chunks.length] as const)) as { ms: number; bytes: number };
		if (got.bytes !== size) throw new Error(`P2P moved ${got.bytes} bytes, not ${size}`);
		peer.push(got.ms);
		bare.push(await bareRun(petr.page, anna.page, size));
		log(`run ${run + 1}: P2P ${mbps(size, peer.at(-1)!)} MB/s, bare RTCDataChannel ${mbps(size, bare.at(-1)!)} MB/s`);
	}
	const [p, b] = [percentile(peer, 50), percentile(bare, 50)];
	return [
		figure(
			`P2P: ${size / MB} MB from another member's device, time (median of ${runs})`,
			p / 1000,
			's',
			b / 1000,
			ratioAtMost(1.176), // 1 / 0.85: at least 85 % of the bare channel's throughput
			`${mbps(size, p)} MB/s vs ${mbps(size, b)} MB/s for a bare RTCDataChannel between the same two pages = ${Math.round((b / p) * 100)} % (goal ≥ 85 %)`
		)
	];
}

/** One bare RTCDataChannel transfer of `size` bytes from `from` to `to`; ms from "go" to the last byte. */
async function bareRun(from: Page, to: Page, size: number): Promise<number> {
	const offer = await from.evaluate(() => (window as unknown as P2p).p2p.bareOffer!());
	const answer = await to.evaluate((sdp) => (window as unknown as P2p).p2p.bareAnswer!(sdp), offer);
	const sending = from.evaluate(([sdp, size]) => (window as unknown as P2p).p2p.bareServe!(sdp, size, 7), [answer, size] as const);
	const got = (await to.evaluate((size) => (window as unknown as P2p).p2p.bareReceive!(size), size)) as { ms: number; bytes: number };
	await sending;
	return got.ms;
}

async function memory(browser: Browser, petr: Device, anna: Device, conversationId: string, size: number, log: (m: string) => void): Promise<Figure[]> {
	log(`a ${size / MB} MB file from Petr's device into Anna's IndexedDB store, sampling her renderer`);
	// Served from generated bytes: the sender need not write 1 GB to disk first; the receiver stores all of it.
	const manifest = (await petr.page.evaluate((size) => (window as unknown as P2p).p2p.makeFile!(size, 9, false), size)) as ChunkManifest;
	await petr.page.evaluate(([id, file]) => (window as unknown as P2p).p2p.setConversation!(id, ['petr', 'anna'], [file]), [conversationId, manifest.sha256]);
	await anna.page.evaluate(([remote, id, m]) => (window as unknown as P2p).p2p.source!(remote, id, m), [petr.id, conversationId, manifest] as const);
	const cdp = await anna.page.context().newCDPSession(anna.page);
	await cdp.send('Performance.enable');
	const heap = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / MB;
	// Which renderer is Anna's is not exposed; the receiving one is the renderer whose RSS grows most.
	const rss = async () => new Map((await rendererPids(browser)).flatMap((pid) => (existsSync(`/proc/${pid}/status`) ? [[pid, rssMb(pid)] as const] : [])));
	const startRss = await rss();
	const peaks = new Map(startRss);
	const before = { heap: await heap(), rss: NaN };
	let peakHeap = before.heap;
	let done = false;
	const sampler = (async () => {
		while (!done) {
			peakHeap = Math.max(peakHeap, await heap().catch(() => 0));
			for (const [pid, mb] of await rss().catch(() => new Map<number, number>())) peaks.set(pid, Math.max(mb, peaks.get(pid) ?? 0));
			await sleep(200);
		}
	})();
	const got = (await anna.page.evaluate(([file, m]) => (window as unknown as P2p).p2p.fetchInto!(file, m), [manifest.sha256, manifest] as const)) as { ms: number; sha256: string };
	done = true;
	await sampler;
	if (got.sha256 !== manifest.sha256) throw new Error('the stored file does not match its SHA-256');
	const [receiver] = [...peaks].sort(([a, pa], [b, pb]) => pb - (startRss.get(b) ?? 0) - (pa - (startRss.get(a) ?? 0)));
	before.rss = receiver ? (startRss.get(receiver[0]) ?? NaN) : NaN;
	const peakRss = receiver?.[1] ?? NaN;
	log(`${size / MB} MB stored and verified in ${(got.ms / 1000).toFixed(1)} s (${mbps(size, got.ms)} MB/s); JS heap ${before.heap.toFixed(0)} → peak ${peakHeap.toFixed(0)} MB, renderer RSS ${before.rss.toFixed(0)} → peak ${peakRss.toFixed(0)} MB`);
	const label = `${size / MB >= 1024 ? `${size / 1024 / MB} GB` : `${size / MB} MB`}`;
	return [
		figure(`P2P: receiving ${label} into IndexedDB, peak JS heap of the receiving page`, peakHeap, 'MB', before.heap, atMost(256), 'CDP Performance.getMetrics JSHeapUsedSize every 200 ms; baseline: before the transfer'),
		figure(`P2P: receiving ${label} into IndexedDB, peak RSS of the receiving renderer`, peakRss, 'MB', before.rss, noGoal, '/proc/<pid>/status VmRSS of every renderer every 200 ms, the one that grew most; baseline: its RSS before the transfer'),
		figure(`P2P: receiving ${label} into IndexedDB (fetcher, every chunk verified), time`, got.ms / 1000, 's', null, noGoal, `${mbps(size, got.ms)} MB/s, then the whole file re-hashed from the store`)
	];
}

const mbps = (bytes: number, ms: number) => Math.round(bytes / MB / (ms / 1000));

/** The pids of the browser's renderer processes now. */
async function rendererPids(browser: Browser): Promise<number[]> {
	const cdp = await browser.newBrowserCDPSession();
	const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
	await cdp.detach();
	return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
}
