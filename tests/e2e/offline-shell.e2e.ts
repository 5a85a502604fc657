// The plant floor's network drops: a technician who opened the app once reloads it with no network at all and still
// gets the signed-in app, because the service worker serves the app shell, its chunks and the Automerge wasm from
// its cache. The page reaches the relay only through a fault proxy, so "no network" is a real refused connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';

const running = useAppAndBrowser();
let proxy: FaultProxy;
let origin: string;

beforeAll(async () => {
	proxy = await startFaultProxy(Number(new URL(running.app.url).port));
	origin = `http://127.0.0.1:${proxy.port}`;
});
afterAll(() => proxy?.close());

/** Every cached response, by path, with its size: what this device has to run the app on its own. */
const cachedFiles = (page: Page) =>
	page.evaluate(async () => {
		const found: Record<string, number> = {};
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const request of await cache.keys())
				found[new URL(request.url).pathname] = (await (await cache.match(request))!.arrayBuffer()).byteLength;
		}
		return found;
	});

describe('the app with no network', () => {
	it('reloads signed in from the service worker, with the Automerge wasm and an installable manifest', async () => {
		const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'en-GB' });
		const page = await context.newPage();
		await signIn(page, origin, 'petr');
		await page.waitForURL(`${origin}/conferencing`);
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
		await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });

		// A force reload bypasses the service worker and leaves the page it loads uncontrolled, as a page does that
		// loaded while the worker was taking over (a first single sign-on): the app asks the worker to take it.
		await (await context.newCDPSession(page)).send('Page.reload', { ignoreCache: true });
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
		await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 5000 });

		const cached = await cachedFiles(page);
		const wasm = Object.entries(cached).filter(([path]) => /^\/_app\/immutable\/.*automerge.*\.wasm$/.test(path));
		expect(wasm).toHaveLength(1);
		expect(wasm[0]![1]).toBeGreaterThan(1_000_000); // the whole 3.5 MB module, not an error page
		expect(Object.keys(cached)).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest']));
		const total = Object.values(cached).reduce((sum, size) => sum + size, 0);
		console.log(`precache: ${Object.keys(cached).length} files, ${(total / 1024 / 1024).toFixed(2)} MiB`);

		proxy.cut();
		// The network really is gone for this page: the relay's health check (never cached) fails.
		await expect(page.evaluate(() => fetch('/health').then(() => 'reached', () => 'failed'))).resolves.toBe('failed');

		await page.reload();
		await page.getByRole('navigation', { name: 'Conferencing' }).waitFor();
		await page.getByText('Signed in as Petr Novák').waitFor();
		await page.getByRole('status').getByText(/Offline/).waitFor({ timeout: 15_000 });
		await screenshot(page, 'offline-reload-tablet');

		// What the browser reads to offer "Install": the manifest and every icon it names, also offline.
		const manifest = await page.evaluate(async () => {
			const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
			const body = await (await fetch(link!.href)).json();
			const icons = await Promise.all(
				body.icons.map(async (icon: { src: string; sizes: string; purpose?: string }) => {
					const image = new Image();
					image.src = icon.src;
					await image.decode();
					return { sizes: icon.sizes, purpose: icon.purpose ?? 'any', width: image.naturalWidth };
				})
			);
			return { ...body, icons };
		});
		expect(manifest).toMatchObject({ name: 'Caseroom', start_url: '/conferencing', display: 'standalone' });
		expect(manifest.icons).toEqual(
			expect.arrayContaining([
				{ sizes: '192x192', purpose: 'any', width: 192 },
				{ sizes: '512x512', purpose: 'any', width: 512 },
				{ sizes: '512x512', purpose: 'maskable', width: 512 }
			])
		);

		// The network returns: the same page goes back online by itself.
		proxy.heal();
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor({ timeout: 30_000 });
		await context.close();
	});
});
