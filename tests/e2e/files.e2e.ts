// Files through the relay: Petr shares a photo (three chunks), a text note and an HTML page, then closes his
// browser; Anna, with the uploader gone, views the photo and the note inside the app and downloads the photo
// byte-identical (SHA-256), while the HTML page is only offered as a download, never rendered.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, useAppAndBrowser } from './harness';
import { createCaseChat, signedInPage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
afterAll(async () => Promise.all(pages.map((p) => p.context().close().catch(() => {}))));

// A 1×1 PNG, then 600 KB of noise after its end (browsers still show it): three 256 KiB chunks.
const PNG = Buffer.concat([
	Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
	randomBytes(600 * 1024)
]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

it('shares files through the relay and shows them, checked, to a member while the uploader is gone', async () => {
	const petr = await signedInPage(running.browser, running.app.url, 'petr');
	const anna = await signedInPage(running.browser, running.app.url, 'anna');
	pages.push(petr, anna);
	const chatPath = await createCaseChat(petr, 'Wire guide photos', ['Anna Horáková']);

	await petr.getByRole('button', { name: 'Share' }).click();
	await petr.getByRole('menuitem', { name: 'Upload new file' }).click();
	const dialog = petr.getByRole('dialog', { name: 'Upload new file' });
	await dialog.getByLabel('Files to share').setInputFiles([
		{ name: 'wire guide.png', mimeType: 'image/png', buffer: PNG },
		{ name: 'readings.txt', mimeType: 'text/plain', buffer: Buffer.from('Tension 12 N\nSpeed 8 m/min\n') },
		{ name: 'report.html', mimeType: 'text/html', buffer: Buffer.from('<!doctype html><script>window.parent.pwned = 1</script><p>hi</p>') }
	]);
	await dialog.getByRole('button', { name: 'Upload' }).click();
	await dialog.waitFor({ state: 'detached', timeout: 30_000 });
	const details = petr.getByRole('region', { name: 'Details' });
	await details.getByRole('button', { name: 'Open file wire guide.png' }).waitFor();
	await details.getByText('Files: 3', { exact: false }).waitFor();
	// In the messages: the picture shared the old way as its thumbnail, the others by name.
	await petr.getByRole('log', { name: 'Messages' }).getByRole('img', { name: 'wire guide.png' }).waitFor();
	await petr.getByRole('log', { name: 'Messages' }).getByRole('button', { name: 'Open file readings.txt' }).waitFor();
	// Uploads go to the relay in the background: Petr waits until Details says each file is there, then leaves.
	await expect.poll(() => details.getByText('On the relay', { exact: true }).count(), { timeout: 30_000 }).toBe(3);
	await petr.context().close(); // the uploader is gone: the relay's copy must do

	await anna.goto(`${running.app.url}${chatPath}`);
	const annasDetails = anna.getByRole('region', { name: 'Details' });
	await annasDetails.getByRole('button', { name: 'Open file wire guide.png' }).click();
	const viewer = anna.getByRole('dialog', { name: 'wire guide.png' });
	await viewer.getByRole('img', { name: 'wire guide.png' }).waitFor({ timeout: 20_000 });
	await screenshot(anna, 'file-viewer-tablet');
	const [download] = await Promise.all([anna.waitForEvent('download'), viewer.getByRole('link', { name: 'Download' }).click()]);
	expect(download.suggestedFilename()).toBe('wire guide.png');
	expect(sha256(await readFile((await download.path())!))).toBe(sha256(PNG));
	await viewer.getByRole('button', { name: 'Close' }).click();
	await viewer.waitFor({ state: 'detached' });

	await annasDetails.getByRole('button', { name: 'Open file readings.txt' }).click();
	await anna.getByRole('dialog', { name: 'readings.txt' }).getByText('Tension 12 N').waitFor({ timeout: 20_000 });
	await anna.keyboard.press('Escape');

	await annasDetails.getByRole('button', { name: 'Open file report.html' }).click();
	const html = anna.getByRole('dialog', { name: 'report.html' });
	await html.getByText('This kind of file is not shown in the app').waitFor({ timeout: 20_000 });
	await html.getByRole('link', { name: 'Download' }).waitFor();
	await expect(html.locator('iframe').count()).resolves.toBe(0);
	expect(await anna.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
});
