// The service report in Chromium (issue 17's bars). A case chat of 500 messages, 20 photos and 3 whiteboards on
// Petr's tablet: from pressing `Service report` to the whole report on screen (every message, every photo decoded,
// every board drawn; each photo shows its thumbnail from the conversation first), against opening the same
// conversation's messages in the same run. Then a 1 GB file on the
// device goes into the bundle: the ZIP streams to disk (the service worker's streamed download) while the page's JS
// heap is sampled through CDP.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Page } from 'playwright-core';
import type { ConversationDoc } from '../src/lib/model/conversation-schema.ts';
import type { WhiteboardDoc } from '../src/lib/whiteboard/schema.ts';
import { createClientRepo } from '../src/lib/sync/client-repo.ts';
import { photoPng, reportConversation } from '../tests/helpers/report-conversation.ts';
import { launchBrowser, loginToken, signInAs } from './lib/browser.ts';
import { atMost, figure, noGoal, type BenchGroup, type Figure } from './lib/figure.ts';
import { startProduct } from './lib/product.ts';
import { percentile, sleep } from './lib/stats.ts';

const MB = 1024 * 1024;

export const report: BenchGroup = {
	name: 'The service report',
	async run({ quick, log }) {
		const dataDir = mkdtempSync(join(tmpdir(), 'bench-report-'));
		const product = await startProduct(dataDir);
		const browser = await launchBrowser();
		try {
			const conversationId = await seed(product.url);
			const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', acceptDownloads: true });
			// No save dialog in a benchmark: the bundle takes the service worker's streamed download.
			await context.addInitScript(() => delete (window as unknown as Record<string, unknown>).showSaveFilePicker);
			const page = await context.newPage();
			await signInAs(page, product.url, 'petr');
			await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
			// Only the device matters here: keep the relay upload of the shared files from competing for the 2 cores.
			await page.route('**/api/conversations/*/files/**', (route) => route.abort());
			await openConversation(page, product.url, conversationId);
			log('sharing 20 photos on the device');
			await share(page, Array.from({ length: 20 }, (_, i) => ({ name: `photo-${i + 1}.png`, mimeType: 'image/png', buffer: photo(i, quick) })));
			const opening = await timeReport(page, product.url, conversationId, quick ? 2 : 5, log);
			const bundle = await bundleMemory(page, product.url, conversationId, quick ? 64 * MB : 1024 * MB, log);
			await context.close();
			return [...opening, ...bundle];
		} finally {
			await browser.close();
			await product.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	}
};

/** Petr's case chat with Anna: 500 messages and 3 boards written by the app's own client Repo, registered as the app does. */
async function seed(origin: string): Promise<string> {
	const token = await loginToken(origin, 'petr');
	const writer = createClientRepo({ url: `${origin.replace('http', 'ws')}/sync`, token, userId: 'petr', webSocket: WebSocket });
	const api = (path: string, body: unknown) =>
		fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then(async (res) => {
			if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
		});
	try {
		const conversation = writer.repo.create<ConversationDoc>();
		const boards = [0, 1, 2].map(() => writer.repo.create<WhiteboardDoc>());
		const fixture = reportConversation({ conversationId: conversation.documentId, messages: 500, photos: 0, whiteboards: 3, boardId: (i) => boards[i]!.documentId });
		conversation.change((d) => Object.assign(d, fixture.doc));
		boards.forEach((handle) => handle.change((d) => Object.assign(d, fixture.boards.get(handle.documentId)!)));
		await api('/api/conversations', { documentId: conversation.documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] });
		for (const board of boards) await api(`/api/conversations/${conversation.documentId}/documents`, { documentId: board.documentId, kind: 'whiteboard' });
		for (const handle of [conversation, ...boards]) if (!(await writer.delivery.whenDelivered(handle, 60_000))) throw new Error('the relay never acknowledged the seed');
		return conversation.documentId;
	} finally {
		await writer.shutdown();
	}
}

/** A photo-sized PNG: a real picture, then camera-like noise the browser ignores (about 1.5 MB). */
const photo = (i: number, quick: boolean) => Buffer.concat([Buffer.from(photoPng(`Photo ${i + 1}`, (i * 37) % 360, 1200)), randomBytes(quick ? 200_000 : 1_500_000)]);

/** The conversation's newest message on screen: the last of the 500 until the photos are shared, then the last photo. */
const newestShown = (page: Page, timeout: number) => {
	const messages = page.getByRole('log', { name: 'Messages' });
	return messages.getByText('Message 500:', { exact: false }).or(messages.getByRole('img', { name: 'photo-20.png' })).first().waitFor({ timeout });
};

async function openConversation(page: Page, origin: string, id: string) {
	await page.goto(`${origin}/conferencing/${id}`);
	await newestShown(page, 120_000);
}

async function share(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[] | string[]) {
	await page.getByRole('button', { name: 'Share' }).click();
	await page.getByRole('menuitem', { name: 'Upload new file' }).click();
	const dialog = page.getByRole('dialog', { name: 'Upload new file' });
	await dialog.getByLabel('Files to share').setInputFiles(files);
	await dialog.getByRole('button', { name: 'Upload' }).click();
	await dialog.waitFor({ state: 'detached', timeout: 600_000 });
}

/** The report's words and boards: every message, 3 boards drawn. */
const reportText = () => {
	const report = document.querySelector('.service-report');
	return !!report?.textContent?.includes('Message 500:') && report.querySelectorAll('.board svg').length === 3;
};

/** The last message, 20 pictures decoded at least `minWidth` wide and 3 boards in the report. */
const reportWith = (minWidth: number) => {
	const report = document.querySelector('.service-report');
	if (!report?.textContent?.includes('Message 500:')) return false;
	const photos = Array.from(report.querySelectorAll<HTMLImageElement>('img'));
	return photos.length === 20 && photos.every((img) => img.complete && img.naturalWidth >= minWidth) && report.querySelectorAll('.board svg').length === 3;
};
/** Every photo shown: its thumbnail (at most 480 pixels wide) or already the photo. */
const SOME_PICTURE = 1;
/** Whole report: every photo itself (1,200 pixels wide), read from IndexedDB and decoded. */
const WHOLE_PHOTO = 481;

async function timeReport(page: Page, origin: string, id: string, runs: number, log: (m: string) => void): Promise<Figure[]> {
	const reportMs: number[] = [];
	const textMs: number[] = [];
	const picturesMs: number[] = [];
	const messagesMs: number[] = [];
	// Run 0 is not timed (the first visit compiles the report's code).
	for (let run = 0; run <= runs; run++) {
		await page.goto(`${origin}/conferencing`);
		const link = page.getByRole('link', { name: /SC-1042/ });
		await link.waitFor();
		let start = performance.now();
		await link.click();
		await newestShown(page, 60_000);
		const messages = performance.now() - start;
		await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Service report' }).waitFor();
		start = performance.now();
		await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Service report' }).click();
		await page.waitForFunction(reportText, undefined, { timeout: 60_000, polling: 'raf' });
		const text = performance.now() - start;
		await page.waitForFunction(reportWith, SOME_PICTURE, { timeout: 60_000, polling: 'raf' });
		const pictures = performance.now() - start;
		await page.waitForFunction(reportWith, WHOLE_PHOTO, { timeout: 60_000, polling: 'raf' }).catch(async (err) => {
			const seen = await page.evaluate(() => ({ imgs: document.querySelectorAll('.service-report img').length, boards: document.querySelectorAll('.service-report .board svg').length, text: document.querySelector('.service-report')?.textContent?.length }));
			throw new Error(`${err}: ${JSON.stringify(seen)}`);
		});
		const whole = performance.now() - start;
		if (run === 0) continue;
		reportMs.push(whole);
		textMs.push(text);
		picturesMs.push(pictures);
		messagesMs.push(messages);
		log(`run ${run}: report ${text.toFixed(0)} ms, every photo shown ${pictures.toFixed(0)} ms, every photo itself decoded ${whole.toFixed(0)} ms; the conversation's messages ${messages.toFixed(0)} ms`);
	}
	return [
		figure(`service report: open, 500 messages, 20 photos, 3 whiteboards (median of ${runs})`, percentile(reportMs, 50), 'ms', percentile(messagesMs, 50), atMost(1000), 'from pressing Service report to every message, photo and board on screen; baseline: opening the same conversation’s messages from the list'),
		figure(`service report: open, worst of ${runs}`, Math.max(...reportMs), 'ms', Math.max(...messagesMs), noGoal),
		figure(`service report: every message and board on screen, photos still coming (median of ${runs})`, percentile(textMs, 50), 'ms', percentile(messagesMs, 50), noGoal),
		figure(`service report: every photo shown, by its thumbnail until the photo itself is read (median of ${runs})`, percentile(picturesMs, 50), 'ms', percentile(messagesMs, 50), noGoal)
	];
}

async function bundleMemory(page: Page, origin: string, id: string, size: number, log: (m: string) => void): Promise<Figure[]> {
	const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
	try {
		const big = join(dir, 'machine-log.bin');
		await writeRandom(big, size);
		log(`sharing a ${size / MB} MB file on the device`);
		await openConversation(page, origin, id);
		await share(page, [big]);
		rmSync(big);
		await page.goto(`${origin}/conferencing/${id}/report`);
		await page.waitForFunction(reportWith, WHOLE_PHOTO, { timeout: 60_000 });
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Performance.enable');
		await cdp.send('HeapProfiler.collectGarbage');
		const heap = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / MB;
		const before = await heap();
		let peak = before;
		let done = false;
		const sampler = (async () => {
			while (!done) {
				peak = Math.max(peak, await heap().catch(() => 0));
				await sleep(200);
			}
		})();
		const start = performance.now();
		const [download] = await Promise.all([
			page.waitForEvent('download', { timeout: 60_000 }).catch(async (err) => {
				throw new Error(`${err}: ${await page.locator('.report-screen').innerText()}`.slice(0, 600));
			}),
			page.getByRole('button', { name: 'Download bundle' }).click()
		]);
		const zip = join(dir, 'bundle.zip');
		await download.saveAs(zip);
		await page.getByRole('status').getByText(/^Saved /).waitFor({ timeout: 600_000 });
		const ms = performance.now() - start;
		done = true;
		await sampler;
		const zipBytes = statSync(zip).size;
		if (zipBytes < size) throw new Error(`the bundle has ${zipBytes} bytes, less than the ${size}-byte file in it`);
		const label = size >= 1024 * MB ? `${size / 1024 / MB} GB` : `${size / MB} MB`;
		log(`bundle of ${(zipBytes / MB).toFixed(0)} MB on disk in ${(ms / 1000).toFixed(1)} s; JS heap ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB`);
		return [
			figure(`service report: bundle with ${label} of files streamed to disk, peak JS heap of the page`, peak, 'MB', before, atMost(128), 'CDP Performance.getMetrics JSHeapUsedSize every 200 ms; baseline: the same page with the report open, before the bundle'),
			figure(`service report: bundle with ${label} of files, time to disk`, ms / 1000, 's', null, noGoal, `${Math.round(zipBytes / MB / (ms / 1000))} MB/s: every chunk read from IndexedDB and checked against its SHA-256`)
		];
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function writeRandom(path: string, size: number) {
	const out = createWriteStream(path);
	for (let written = 0; written < size; written += 4 * MB) {
		if (!out.write(randomBytes(Math.min(4 * MB, size - written)))) await new Promise<void>((r) => out.once('drain', () => r()));
	}
	await new Promise<void>((resolve) => out.end(() => resolve()));
}
