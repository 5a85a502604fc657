// Opening a conversation of 10,000 messages that is already on the device (IndexedDB), in Chromium: from the click
// in the conversation list to the last message on screen. Baseline: the same for a conversation of 100 messages.
// Also a conversation of 500 photos, each with its thumbnail in the document (~10 KB of WebP, drawn in the page as
// Take photo makes them): from the click to the last photo decoded on screen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAs } from './lib/browser.ts';
import { photoChat } from './lib/conversations.ts';
import { register } from './lib/register.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { startProduct } from './lib/product.ts';
import { percentile } from './lib/stats.ts';

const RUNS = 5;
const PHOTOS = 500;

/** A conversation in the list, and how to tell that its newest message is on screen. */
interface Opened {
	title: string;
	shown(page: Page, timeout: number): Promise<unknown>;
}

export const openConversation: BenchGroup = {
	name: 'Opening a long conversation',
	async run({ quick, log }) {
		const dataDir = mkdtempSync(join(tmpdir(), 'bench-open-'));
		const product = await startProduct(dataDir);
		const browser = await launchBrowser();
		try {
			const thumbnails = await drawThumbnails(browser, PHOTOS);
			const texts = async (title: string, count: number): Promise<Opened> => {
				await register(product.url, title, count);
				return { title, shown: (page, timeout) => page.getByRole('log', { name: 'Messages' }).getByText(`Reading ${count}:`).waitFor({ timeout }) };
			};
			const long = await texts('Spindle vibration log', 10_000);
			const short = await texts('Short exchange', 100);
			await register(product.url, 'Machine photos', PHOTOS, photoChat('Machine photos', thumbnails));
			const album: Opened = { title: 'Machine photos', shown: (page, timeout) => lastPhotoDecoded(page, `Photo ${PHOTOS}.jpg`, timeout) };
			log(`${PHOTOS} thumbnails, ${Math.round(thumbnails.reduce((sum, t) => sum + t.length, 0) / 1000)} kB in the document`);
			const runs = quick ? 2 : RUNS;
			const [longMs, shortMs, photoMs] = await timeOpens(browser, product.url, [long, short, album], runs);
			const tenThousand = percentile(longMs!, 50);
			return [
				figure(`open a 10,000-message conversation from IndexedDB (median of ${runs})`, tenThousand, 'ms', percentile(shortMs!, 50), atMost(300), 'baseline: 100 messages'),
				figure(`open a 10,000-message conversation: worst of ${runs}`, Math.max(...longMs!), 'ms', Math.max(...shortMs!), noGoal),
				figure(`open a conversation of ${PHOTOS} photos from IndexedDB (median of ${runs})`, percentile(photoMs!, 50), 'ms', percentile(shortMs!, 50), atMost(300), `baseline: 100 messages; 10,000 messages took ${Math.round(tenThousand)} ms in the same run`),
				figure(`open a conversation of ${PHOTOS} photos: worst of ${runs}`, Math.max(...photoMs!), 'ms', Math.max(...shortMs!), noGoal)
			];
		} finally {
			await browser.close();
			await product.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	}
};

/** Eva's Chromium gets the conversations into IndexedDB, then opens each `runs` times from a freshly loaded list. */
async function timeOpens(browser: Browser, origin: string, conversations: Opened[], runs: number): Promise<number[][]> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
	const page = await context.newPage();
	await signInAs(page, origin, 'eva');
	const times = conversations.map(() => [] as number[]);
	// Run 0 is not timed: it waits until the whole history has synced into IndexedDB.
	for (let run = 0; run <= runs; run++) {
		for (const [i, { title, shown }] of conversations.entries()) {
			await page.goto(`${origin}/conferencing`);
			const link = page.getByRole('link', { name: new RegExp(title) });
			await link.waitFor({ timeout: 60_000 });
			const start = performance.now();
			await link.click();
			await shown(page, run === 0 ? 120_000 : 30_000);
			if (run > 0) times[i]!.push(performance.now() - start);
		}
	}
	await context.close();
	return times;
}

/** The newest photo's thumbnail on screen and decoded. */
function lastPhotoDecoded(page: Page, name: string, timeout: number) {
	return page.waitForFunction(
		(alt) => {
			const img = document.querySelector<HTMLImageElement>(`[role="log"] img[alt="${alt}"]`);
			return img !== null && img.complete && img.naturalWidth > 0;
		},
		name,
		{ timeout, polling: 'raf' }
	);
}

/** `count` different thumbnails as Take photo makes them: 320 × 240 WebP of a photo-like picture, drawn in Chromium. */
async function drawThumbnails(browser: Browser, count: number): Promise<Uint8Array[]> {
	const page = await browser.newPage();
	try {
		const encoded = await page.evaluate(async (count) => {
			const out: string[] = [];
			for (let i = 0; i < count; i++) {
				const canvas = new OffscreenCanvas(320, 240);
				const g = canvas.getContext('2d')!;
				g.fillStyle = `hsl(${(i * 47) % 360} 40% 45%)`;
				g.fillRect(0, 0, 320, 240);
				for (let k = 0; k < 60; k++) {
					g.fillStyle = `hsl(${(i * 13 + k * 37) % 360} 60% ${30 + ((k * 7) % 50)}%)`;
					g.beginPath();
					g.arc((k * 97 + i) % 320, (k * 61 + i * 3) % 240, 4 + ((k + i) % 30), 0, 2 * Math.PI);
					g.fill();
				}
				const pixels = g.getImageData(0, 0, 320, 240);
				for (let p = 0; p < pixels.data.length; p += 4) pixels.data[p] = pixels.data[p]! + ((p * 31 + i) % 17);
				g.putImageData(pixels, 0, 0);
				const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/webp', quality: 0.75 })).arrayBuffer());
				out.push(btoa(String.fromCharCode(...bytes)));
			}
			return out;
		}, count);
		return encoded.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
	} finally {
		await page.close();
	}
}
