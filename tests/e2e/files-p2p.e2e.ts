// Files peer to peer through the app, as people use it: Petr shares a file and stays online; Anna opens it and
// downloads it byte-identical (SHA-256) while every request of hers for a chunk from the relay is blocked, so the
// bytes can only have come from Petr's device. Then an interrupted transfer: Petr's page closes midway and Anna's
// download finishes from the relay, which is asked only for the chunks she did not have yet.
import { createHash, randomBytes } from 'node:crypto';
import type { Page, Route } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { useAppAndBrowser } from './harness';
import { createCaseChat, download, share, signedInPage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
afterAll(async () => Promise.all(pages.map((p) => p.context().close().catch(() => {}))));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const CHUNK_GET = /\/api\/conversations\/[^/]+\/files\/[0-9a-f]{64}\/chunks\/\d+$/;

/** Where Details says a file's bytes are. */
const where = (page: Page, name: string) =>
	page.getByRole('region', { name: 'Details' }).getByRole('listitem').filter({ has: page.getByRole('button', { name: `Open file ${name}` }) }).getByRole('list', { name: 'Where this file is' });

it('downloads a file from the uploader’s device while he is online, with the relay’s chunks out of reach', async () => {
	const petr = await signedInPage(running.browser, running.app.url, 'petr');
	const anna = await signedInPage(running.browser, running.app.url, 'anna');
	pages.push(petr, anna);
	const chatPath = await createCaseChat(petr, 'Vibration logs peer to peer', ['Anna Horáková']);
	const log = randomBytes(2_500_000); // ten 256 KiB chunks
	await share(petr, 'vibration log.bin', log);

	let blocked = 0;
	let relayAsked = 0;
	anna.on('request', (request) => CHUNK_GET.test(request.url()) && relayAsked++);
	await anna.context().route(CHUNK_GET, (route: Route) => {
		blocked++;
		return route.abort('blockedbyclient');
	});
	await anna.goto(`${running.app.url}${chatPath}`);
	await where(anna, 'vibration log.bin').getByText('On 1 online device').waitFor({ timeout: 30_000 });
	await anna.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Open file vibration log.bin' }).click();
	expect(sha256(await download(anna, 'vibration log.bin'))).toBe(sha256(log));
	await where(anna, 'vibration log.bin').getByText('On this device').waitFor();
	// Every chunk request of Anna's to the relay was refused in her browser: the bytes came from Petr's device.
	expect(relayAsked).toBe(blocked);
}, 120_000);

it('finishes from the relay, without starting again, when the uploader’s page closes midway', async () => {
	const petr = await signedInPage(running.browser, running.app.url, 'petr');
	const anna = await signedInPage(running.browser, running.app.url, 'anna');
	pages.push(petr, anna);
	const chatPath = await createCaseChat(petr, 'Long recording', ['Anna Horáková']);
	const recording = randomBytes(32 * 1024 * 1024); // 128 chunks
	await share(petr, 'recording.bin', recording);
	await where(petr, 'recording.bin').getByText('On the relay').waitFor({ timeout: 90_000 });
	// A slow tablet: Petr's device serves slowly enough to be interrupted midway.
	await (await petr.context().newCDPSession(petr)).send('Emulation.setCPUThrottlingRate', { rate: 10 });

	// Anna's requests to the relay for chunks fail until Petr is gone; then they go through, and are counted.
	let petrGone = false;
	let fromRelay = 0;
	await anna.context().route(CHUNK_GET, async (route: Route) => {
		if (!petrGone) return route.abort('blockedbyclient');
		fromRelay++;
		await route.continue();
	});
	await anna.goto(`${running.app.url}${chatPath}`);
	await where(anna, 'recording.bin').getByText('On 1 online device').waitFor({ timeout: 30_000 });
	await anna.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Open file recording.bin' }).click();
	const status = anna.getByRole('dialog', { name: 'recording.bin' }).getByText(/Fetching the file: \d+ of 128 parts/);
	let before = 0;
	while (before < 10) {
		const text = (await status.textContent({ timeout: 60_000 })) ?? '';
		before = Number(/: (\d+) of/.exec(text)?.[1] ?? 0);
		if (before < 10) await anna.waitForTimeout(100);
	}
	expect(before).toBeLessThan(128);
	await petr.context().close();
	petrGone = true;

	expect(sha256(await download(anna, 'recording.bin'))).toBe(sha256(recording));
	// The relay sent only what Petr's device had not: the transfer went on from where it stopped.
	expect(fromRelay).toBeGreaterThan(0);
	expect(fromRelay).toBeLessThanOrEqual(128 - before);
}, 360_000);
