// App start in Chromium: the JavaScript a signed-in person's first screen (the conversation list) transfers,
// gzipped, against all the JavaScript the build has; and a reload with no network (service worker) to an
// interactive conversation list, against the same reload online.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { startFaultProxy } from '../tests/helpers/fault-proxy.ts';
import { launchBrowser, signInAs } from './lib/browser.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { startProduct } from './lib/product.ts';
import { register } from './lib/register.ts';
import { ROOT } from './lib/relays.ts';
import { percentile } from './lib/stats.ts';

const RELOADS = 5;
const TITLE = 'Generator alarm follow-up';

export const appStart: BenchGroup = {
	name: 'App start',
	async run({ quick }) {
		const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
		const product = await startProduct(dataDir);
		const browser = await launchBrowser();
		try {
			await register(product.url, TITLE, 20);
			const firstScreen = await firstScreenJs(browser, product.url);
			const allJs = buildJsGzipped();
			const reloads = await reloadTimes(browser, product.url, quick ? 2 : RELOADS);
			return [
				figure('app start: JavaScript for the first screen, gzipped', firstScreen / 1024, 'KB', allJs / 1024, atMost(250), 'baseline: all JavaScript in the build; the Automerge wasm not counted'),
				figure(`app start: offline reload to an interactive conversation list (median of ${reloads.offline.length})`, percentile(reloads.offline, 50), 'ms', percentile(reloads.online, 50), atMost(1000), 'baseline: the same reload online'),
				figure('app start: offline reload, worst', Math.max(...reloads.offline), 'ms', Math.max(...reloads.online), noGoal)
			];
		} finally {
			await browser.close();
			await product.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	}
};

/** Petr, signed in, loads the conversation list with no service worker: every script it fetches, gzipped. */
async function firstScreenJs(browser: Browser, origin: string): Promise<number> {
	const context = await browser.newContext({ serviceWorkers: 'block', locale: 'en-GB' });
	const page = await context.newPage();
	await signInAs(page, origin, 'petr');
	const scripts = new Set<string>();
	page.on('response', (response) => {
		if (new URL(response.url()).pathname.endsWith('.js')) scripts.add(response.url());
	});
	await page.reload({ waitUntil: 'networkidle' });
	await conversationList(page);
	await context.close();
	// The same bytes the page got, fetched again here (the browser may discard a body once the page moved on).
	const bodies = await Promise.all([...scripts].map(async (url) => Buffer.from(await (await fetch(url)).arrayBuffer())));
	return bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
}

function buildJsGzipped(): number {
	const dir = join(ROOT, 'build', '_app', 'immutable');
	const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
	return files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f))).length, 0);
}

/** Through a proxy that can cut the network: reloads online, then with the network gone, to a clickable list. */
async function reloadTimes(browser: Browser, origin: string, runs: number): Promise<{ online: number[]; offline: number[] }> {
	const proxy = await startFaultProxy(Number(new URL(origin).port));
	const context = await browser.newContext({ locale: 'en-GB' });
	try {
		const page = await context.newPage();
		const proxied = `http://127.0.0.1:${proxy.port}`;
		await signInAs(page, proxied, 'petr');
		await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
		await conversationList(page);
		const time = async () => {
			const start = performance.now();
			await page.reload();
			await conversationList(page);
			return performance.now() - start;
		};
		const online: number[] = [];
		const offline: number[] = [];
		for (let i = 0; i < runs; i++) online.push(await time());
		proxy.cut();
		for (let i = 0; i < runs; i++) offline.push(await time());
		return { online, offline };
	} finally {
		await context.close();
		await proxy.close();
	}
}

/** The list is interactive: the conversation's link is on screen and enabled. */
async function conversationList(page: Page): Promise<void> {
	const link = page.getByRole('link', { name: new RegExp(TITLE) });
	await link.waitFor({ timeout: 30_000 });
	if (!(await link.isEnabled())) throw new Error('conversation link not enabled');
}
