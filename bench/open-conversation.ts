// Opening a conversation of 10,000 messages that is already on the device (IndexedDB), in Chromium: from the click
// in the conversation list to the last message on screen. Baseline: the same for a conversation of 100 messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, signInAs } from './lib/browser.ts';
import { register, type Conversation } from './lib/register.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { startProduct } from './lib/product.ts';
import { percentile } from './lib/stats.ts';

const RUNS = 5;

export const openConversation: BenchGroup = {
	name: 'Opening a long conversation',
	async run({ quick }) {
		const dataDir = mkdtempSync(join(tmpdir(), 'bench-open-'));
		const product = await startProduct(dataDir);
		const browser = await launchBrowser();
		try {
			const long = await register(product.url, 'Spindle vibration log', 10_000);
			const short = await register(product.url, 'Short exchange', 100);
			const runs = quick ? 2 : RUNS;
			const [longMs, shortMs] = await timeOpens(browser, product.url, [long, short], runs);
			return [
				figure(`open a 10,000-message conversation from IndexedDB (median of ${runs})`, percentile(longMs!, 50), 'ms', percentile(shortMs!, 50), atMost(300), 'baseline: 100 messages'),
				figure(`open a 10,000-message conversation: worst of ${runs}`, Math.max(...longMs!), 'ms', Math.max(...shortMs!), noGoal)
			];
		} finally {
			await browser.close();
			await product.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	}
};

/** Eva's Chromium gets both conversations into IndexedDB, then opens each `runs` times from a freshly loaded list. */
async function timeOpens(browser: Browser, origin: string, conversations: Conversation[], runs: number): Promise<number[][]> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
	const page = await context.newPage();
	await signInAs(page, origin, 'eva');
	const times = conversations.map(() => [] as number[]);
	// Run 0 is not timed: it waits until the whole history has synced into IndexedDB.
	for (let run = 0; run <= runs; run++) {
		for (const [i, { title, count }] of conversations.entries()) {
			await page.goto(`${origin}/conferencing`);
			const link = page.getByRole('link', { name: new RegExp(title) });
			await link.waitFor({ timeout: 60_000 });
			const start = performance.now();
			await link.click();
			await page.getByRole('log', { name: 'Messages' }).getByText(`Reading ${count}:`).waitFor({ timeout: run === 0 ? 120_000 : 30_000 });
			if (run > 0) times[i]!.push(performance.now() - start);
		}
	}
	await context.close();
	return times;
}
