// The service report in Chromium, as people make it: Petr's case chat with messages, a photo, a log file and a
// whiteboard he drew. Online, the report shows all of it and prints to an A4 PDF whose text holds the case, every
// message and the files' checksums. With the network cut it opens again from his tablet alone, and its bundle (a
// streamed download) unpacks and passes `sha256sum -c`, and fails it once one byte changes. Anna, who never opened
// the files, gets them listed as not on her device with their SHA-256. The relay's `npm run admin -- report`
// makes the same report.json (apart from who made it and when) with the same files and checksums.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { photoPng } from '../helpers/report-conversation';
import { SCREENSHOTS, signIn, useAppAndBrowser, viewports } from './harness';
import { createCaseChat, sendMessage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
const temp = mkdtempSync(join(tmpdir(), 'report-e2e-'));
afterAll(async () => {
	await Promise.all(pages.map((p) => p.context().close().catch(() => {})));
	rmSync(temp, { recursive: true, force: true });
});

const PHOTO = Buffer.from(photoPng('Wire guide', 20));
const LOG = Buffer.from('E-212 generator overcurrent at 08:14\n'.repeat(2000));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MESSAGES = ['Wire breaks after about 20 minutes of roughing.', 'Please send a photo of the upper wire guide.', 'Tension is 8 N, flushing <normal> & steady.'];

/** Signed in, in a browser without a save dialog: the bundle then goes through the service worker's streamed download. */
async function person(browser: Browser, username: string, viewport: keyof typeof viewports = 'tablet'): Promise<Page> {
	const context = await browser.newContext({ viewport: viewports[viewport], locale: 'en-GB', acceptDownloads: true, timezoneId: 'Europe/Prague' });
	// Window's methods are the window object's own properties (WebIDL [Global]).
	await context.addInitScript(() => delete (window as unknown as Record<string, unknown>).showSaveFilePicker);
	const page = await context.newPage();
	pages.push(page);
	await signIn(page, running.app.url, username);
	await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
	return page;
}

async function openReport(page: Page, chatPath: string) {
	await page.goto(`${running.app.url}${chatPath}`);
	await page.getByRole('textbox', { name: 'Message' }).waitFor();
	// On a phone the Details replace the messages once asked for.
	const toggle = page.getByRole('button', { name: 'Details', exact: true });
	if (await toggle.isVisible()) await toggle.click();
	await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Service report' }).click();
	await page.waitForURL(`**${chatPath}/report`);
	await page.getByRole('heading', { name: 'Timeline' }).waitFor();
}

/** Download bundle → the saved ZIP unpacked; returns its folder. */
async function downloadBundle(page: Page, name: string): Promise<string> {
	const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Download bundle' }).click()]);
	expect(download.suggestedFilename()).toMatch(/^SC-1042 Service report \d{4}-\d\d-\d\d\.zip$/);
	const zip = join(temp, `${name}.zip`);
	await download.saveAs(zip);
	await page.getByRole('status').getByText(/^Saved SC-1042 Service report .*\.zip: \d+ files/).waitFor();
	execFileSync('unzip', ['-q', zip, '-d', join(temp, name)]);
	return join(temp, name);
}

const sha256sumCheck = (dir: string) => spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
const readJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const record = ({ generatedAt, generatedBy, bundle, ...rest }: Record<string, unknown>) => (void generatedAt, void generatedBy, void bundle, rest);
const sums = (dir: string) => readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');

it('makes the report, its PDF and its bundle on the device, online and offline, the same as the relay’s', async () => {
	const petr = await person(running.browser, 'petr');
	const chatPath = await createCaseChat(petr, 'Wire breakage report', ['Anna Horáková']);
	const conversationId = chatPath.split('/').pop()!;
	for (const text of MESSAGES) await sendMessage(petr, text);

	await petr.getByRole('button', { name: 'Share' }).click();
	await petr.getByRole('menuitem', { name: 'Upload new file' }).click();
	const upload = petr.getByRole('dialog', { name: 'Upload new file' });
	await upload.getByLabel('Files to share').setInputFiles([
		{ name: 'wire-guide.png', mimeType: 'image/png', buffer: PHOTO },
		{ name: 'generator.log', mimeType: 'text/plain', buffer: LOG }
	]);
	await upload.getByRole('button', { name: 'Upload' }).click();
	await upload.waitFor({ state: 'detached', timeout: 30_000 });

	// A whiteboard with one stroke.
	await petr.getByRole('button', { name: 'Share' }).click();
	await petr.getByRole('menuitem', { name: 'Whiteboard session' }).click();
	await petr.waitForURL(/\/whiteboard\//);
	const board = petr.getByRole('img', { name: 'Whiteboard Whiteboard 1: 0 elements' });
	const box = (await board.boundingBox())!;
	await petr.getByRole('button', { name: 'Pen', exact: true }).click();
	await petr.mouse.move(box.x + 200, box.y + 200);
	await petr.mouse.down();
	for (let i = 1; i <= 30; i++) await petr.mouse.move(box.x + 200 + i * 12, box.y + 200 + Math.sin(i / 3) * 60);
	await petr.mouse.up();
	await petr.getByRole('img', { name: 'Whiteboard Whiteboard 1: 1 elements' }).waitFor();

	// Online: the report on screen, then printed to PDF.
	await openReport(petr, chatPath);
	const report = petr.locator('.service-report');
	await report.getByRole('heading', { name: 'SC-1042 CUT P 550 – wire breakage during roughing' }).waitFor();
	for (const text of MESSAGES) await report.getByText(text, { exact: true }).waitFor();
	const photo = report.getByRole('img', { name: 'wire-guide.png' });
	await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 480)).toBe(true);
	await report.getByRole('img', { name: 'Whiteboard 1' }).waitFor();
	await report.getByText('Anna Horáková Acme Precision s.r.o., customer').waitFor();
	mkdirSync(SCREENSHOTS, { recursive: true });
	await petr.screenshot({ path: join(SCREENSHOTS, 'report-tablet.png') });

	const pdf = join(temp, 'report.pdf');
	await petr.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
	const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
	expect(text).toContain('SC-1042 CUT P 550 – wire breakage during roughing');
	expect(text).toMatch(/Page 1 of \d/);
	for (const message of MESSAGES) expect(text.replace(/\s+/g, ' ')).toContain(message);
	for (const bytes of [PHOTO, LOG]) expect(text).toContain(sha(bytes));
	expect(text).not.toContain('Download bundle'); // no app chrome on paper
	execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', pdf, join(SCREENSHOTS, 'report-pdf-page')]);

	// The network cut: the report opens again from the tablet alone, and the bundle is made offline.
	await petr.context().setOffline(true);
	await petr.reload();
	await petr.getByRole('status').getByText(/Offline/).first().waitFor({ timeout: 15_000 });
	await petr.locator('.service-report').getByText(MESSAGES[2]!, { exact: true }).waitFor({ timeout: 15_000 });
	await petr.locator('.service-report').getByRole('img', { name: 'Whiteboard 1' }).waitFor();
	const petrs = await downloadBundle(petr, 'petr');
	expect(sha256sumCheck(petrs).status).toBe(0);
	expect(readdirSync(join(petrs, 'files')).sort()).toEqual(['generator.log', 'wire-guide.png']);
	expect(readFileSync(join(petrs, 'files', 'wire-guide.png')).equals(PHOTO)).toBe(true);
	expect(readdirSync(join(petrs, 'whiteboards'))).toEqual(['Whiteboard 1.png']);
	const petrJson = readJson(petrs);
	expect(petrJson).toMatchObject({ schemaVersion: 1, generatedBy: { id: 'petr', on: 'device', language: 'en' }, bundle: { missingFiles: [], missingWhiteboards: [] } });
	expect(petrJson.timeline.filter((e: { kind: string }) => e.kind === 'text').map((e: { text: string }) => e.text)).toEqual(MESSAGES);
	// One byte changed in any file of the bundle: sha256sum -c fails, naming it.
	for (const path of ['files/wire-guide.png', 'report.json', 'whiteboards/Whiteboard 1.png']) {
		const file = join(petrs, path);
		const original = readFileSync(file);
		const changed = Buffer.from(original);
		changed[changed.length >> 1]! ^= 0x20;
		writeFileSync(file, changed);
		const result = sha256sumCheck(petrs);
		expect(result.status).not.toBe(0);
		expect(result.stdout).toContain(`${path}: FAILED`);
		writeFileSync(file, original);
	}
	await petr.context().setOffline(false);

	// Where the browser has a save dialog, the ZIP is written straight into the file chosen (here the dialog's
	// answer is a file in the origin's private file system, written through the same FileSystemWritableFileStream).
	await petr.evaluate(() => {
		(window as unknown as { showSaveFilePicker: () => Promise<FileSystemFileHandle> }).showSaveFilePicker = async () =>
			(await navigator.storage.getDirectory()).getFileHandle('chosen.zip', { create: true });
	});
	await petr.getByRole('button', { name: 'Download bundle' }).click();
	await petr.getByRole('status').getByText(/^Saved SC-1042 Service report .*\.zip: \d+ files/).waitFor();
	const picked = await petr.evaluate(async () => {
		const file = await (await (await navigator.storage.getDirectory()).getFileHandle('chosen.zip')).getFile();
		const bytes = new Uint8Array(await file.arrayBuffer());
		let binary = '';
		for (const byte of bytes) binary += String.fromCharCode(byte);
		return btoa(binary);
	});
	writeFileSync(join(temp, 'picked.zip'), Buffer.from(picked, 'base64'));
	execFileSync('unzip', ['-q', join(temp, 'picked.zip'), '-d', join(temp, 'picked')]);
	expect(sha256sumCheck(join(temp, 'picked')).status).toBe(0);
	expect(record(readJson(join(temp, 'picked')))).toEqual(record(petrJson));

	// Anna never opened the files: her report lists them as not on her device, with their SHA-256.
	const anna = await person(running.browser, 'anna', 'phone');
	await openReport(anna, chatPath);
	await anna.getByRole('note').getByText('2 of 2 files are not on this device').waitFor();
	await anna.locator('.service-report').getByText(MESSAGES[0]!, { exact: true }).waitFor();
	await anna.locator('.service-report').getByRole('img', { name: 'Whiteboard 1' }).waitFor();
	await anna.screenshot({ path: join(SCREENSHOTS, 'report-phone.png') });
	const annas = await downloadBundle(anna, 'anna');
	expect(sha256sumCheck(annas).status).toBe(0);
	const annaJson = readJson(annas);
	expect(annaJson.bundle.missingFiles.sort()).toEqual([sha(PHOTO), sha(LOG)].sort());
	expect(readFileSync(join(annas, 'report.html'), 'utf8')).toContain(sha(LOG));
	expect(sums(annas).some((l) => l.includes('files/'))).toBe(false);
	expect(record(annaJson)).toEqual(record(petrJson));

	// The relay's bundle, made by the administrator while the relay runs.
	const relayZip = join(temp, 'relay.zip');
	const admin = spawnSync(process.execPath, ['--import', 'tsx', 'sync-server/admin/cli.ts', 'report', conversationId, '--out', relayZip], {
		env: { ...process.env, DATA_DIR: running.app.dataDir },
		encoding: 'utf8'
	});
	expect(admin.stderr).toBe('');
	expect(admin.stdout).toContain(`Wrote ${relayZip}`);
	execFileSync('unzip', ['-q', relayZip, '-d', join(temp, 'relay')]);
	const relays = join(temp, 'relay');
	expect(sha256sumCheck(relays).status).toBe(0);
	const relayJson = readJson(relays);
	expect(relayJson.generatedBy).toMatchObject({ on: 'relay' });
	expect(record(relayJson)).toEqual(record(petrJson));
	expect(relayJson.bundle).toEqual(petrJson.bundle);
	// The same files with the same checksums; the PNGs (drawn by resvg, not a canvas) by the same names.
	const filesOf = (dir: string) => sums(dir).filter((l) => l.includes('  files/')).sort();
	expect(filesOf(relays)).toEqual(filesOf(petrs));
	expect(readdirSync(join(relays, 'whiteboards'))).toEqual(['Whiteboard 1.png']);
});
