// The service report in Chromium, as people make it: Petr's case chat with messages (one a reply naming Anna, one he
// corrected, one he deleted), a voice note, a photo, a log file and a whiteboard he drew. Online, the report shows
// all of it and prints to an A4 PDF whose text holds the case, every message (the reply's quote, "edited", "Message
// deleted" and never the deleted words) and the files' checksums. With the network cut it opens again from his tablet
// alone, and its bundle (a streamed download) unpacks and passes `sha256sum -c`, and fails it once one byte changes.
// Anna, who never opened the files, gets them listed as not on her device with their SHA-256, and sees the photo all
// the same, from its thumbnail, on screen and in her bundle's report.html. The relay's `npm run admin -- report` makes
// the same report.json (apart from who made it and when) with the same files and checksums.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { photoPng } from '../helpers/report-conversation';
import { SCREENSHOTS, signIn, useAppAndBrowser, viewports } from './harness';
import { createCaseChat, messageLog, sendMessage } from './steps';

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
const REPLY = '@Anna Horáková does it break at the same place each time?';
const WORN = 'The upper guide looks worn.';
const EDITED = 'The upper guide looks worn on the left side: replace it.';
const DELETED = 'Wrong conversation, sorry.';
/** Every message as the report holds it, in order: the reply, the corrected one, the deleted one empty. */
const TEXTS = [...MESSAGES, REPLY, EDITED, ''];
const message = (page: Page, text: string) => messageLog(page).getByRole('article').filter({ hasText: text });

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
		{ name: 'generator.log', mimeType: 'text/plain', buffer: LOG },
		{ name: 'wire-guide.png', mimeType: 'image/png', buffer: PHOTO }
	]);
	await upload.getByRole('button', { name: 'Upload' }).click();
	await upload.waitFor({ state: 'detached', timeout: 30_000 });
	// A reply naming Anna, a message corrected, one deleted, and a voice note.
	await message(petr, MESSAGES[0]!).getByRole('button', { name: 'Reply' }).click();
	await sendMessage(petr, REPLY);
	await sendMessage(petr, WORN);
	await message(petr, WORN).getByRole('button', { name: 'Edit' }).click();
	await petr.getByRole('textbox', { name: 'Edit message' }).fill(EDITED);
	await petr.getByRole('textbox', { name: 'Edit message' }).press('Enter');
	await message(petr, EDITED).getByText('edited').waitFor();
	await sendMessage(petr, DELETED);
	petr.once('dialog', (dialog) => void dialog.accept());
	await message(petr, DELETED).getByRole('button', { name: 'Delete' }).click();
	await messageLog(petr).getByText('Message deleted').waitFor();
	await petr.getByRole('button', { name: 'Record voice note' }).click();
	await petr.waitForTimeout(1500);
	await petr.getByRole('button', { name: 'Stop recording' }).click();
	await messageLog(petr).getByRole('group', { name: /^Voice note, 0:0[12]$/ }).waitFor({ timeout: 10_000 });

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
	for (const text of [...MESSAGES, EDITED]) await report.getByText(text, { exact: false }).first().waitFor();
	// The reply quotes who wrote the message it answers and its beginning; the mention is marked.
	const reply = report.locator('li', { hasText: 'does it break at the same place' });
	await expect(reply.locator('.quote').textContent()).resolves.toBe(`Petr Novák ${MESSAGES[0]}`);
	await expect(reply.locator('.mention').textContent()).resolves.toBe('@Anna Horáková');
	await report.locator('li', { hasText: EDITED }).getByText(/^\(edited \d+ \w+ \d{4}, \d\d:\d\d\)$/).waitFor();
	await report.getByText(/^Message deleted \(\d+ \w+ \d{4}, \d\d:\d\d\)$/).waitFor();
	await expect(report.getByText(DELETED).count()).resolves.toBe(0);
	await report.getByText(/^sent a voice note \([12] s\): Voice note .*\.webm$/).waitFor();
	const photo = report.getByRole('img', { name: 'wire-guide.png' });
	await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 480)).toBe(true);
	await report.getByRole('img', { name: 'Whiteboard 1' }).waitFor();
	await report.getByText('Anna Horáková Acme Precision s.r.o., customer').waitFor();
	mkdirSync(SCREENSHOTS, { recursive: true });
	// The picture shows the timeline from the last of the first messages: the photo, the reply, the edited and deleted messages.
	await report.locator('li', { hasText: MESSAGES[2] }).evaluate((li) => li.scrollIntoView());
	await petr.screenshot({ path: join(SCREENSHOTS, 'report-tablet.png') });
	// The quote takes him to the message it answers.
	const answered = report.locator('li', { hasText: MESSAGES[0] }).first();
	const top = () => answered.evaluate((li) => Math.round(li.getBoundingClientRect().top));
	expect(await top()).toBeLessThan(0);
	await reply.locator('.quote').click();
	await expect.poll(top).toBeGreaterThanOrEqual(0);

	const pdf = join(temp, 'report.pdf');
	await petr.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
	const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
	expect(text).toContain('SC-1042 CUT P 550 – wire breakage during roughing');
	expect(text).toMatch(/Page 1 of \d/);
	const words = text.replace(/\s+/g, ' ');
	for (const message of [...MESSAGES, EDITED, REPLY, `Petr Novák ${MESSAGES[0]}`, 'Message deleted']) expect(words).toContain(message);
	expect(words).toMatch(/\(edited \d+ \w+ \d{4}, \d\d:\d\d\)/);
	expect(words).not.toContain(DELETED);
	expect(words).not.toContain(WORN);
	for (const bytes of [PHOTO, LOG]) expect(text).toContain(sha(bytes));
	expect(text).not.toContain('Download bundle'); // no app chrome on paper
	// The page with the photo (the full one, 480 pixels wide, as an image on it), the reply, the edit and the deletion.
	const pageCount = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
	const pageText = (n: number) => execFileSync('pdftotext', ['-f', String(n), '-l', String(n), pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
	const pageImages = (n: number) => execFileSync('pdfimages', ['-list', '-f', String(n), '-l', String(n), pdf], { encoding: 'utf8' });
	const shown = Array.from({ length: pageCount }, (_, i) => i + 1).find((n) => ['Message deleted', `Petr Novák ${MESSAGES[0]}`, EDITED, 'shared wire-guide.png'].every((t) => pageText(n).includes(t)));
	expect(shown).toBeDefined();
	expect(pageImages(shown!)).toMatch(/^\s*\d+\s+\d+\s+image\s+480\s+320\b/m);
	execFileSync('pdftoppm', ['-png', '-r', '70', '-f', String(shown), '-l', String(shown), '-singlefile', pdf, join(SCREENSHOTS, 'report-pdf-page')]);

	// The network cut: the report opens again from the tablet alone, and the bundle is made offline.
	await petr.context().setOffline(true);
	await petr.reload();
	await petr.getByRole('status').getByText(/Offline/).first().waitFor({ timeout: 15_000 });
	await petr.locator('.service-report').getByText(MESSAGES[2]!, { exact: true }).waitFor({ timeout: 15_000 });
	await petr.locator('.service-report').getByRole('img', { name: 'Whiteboard 1' }).waitFor();
	const petrs = await downloadBundle(petr, 'petr');
	expect(sha256sumCheck(petrs).status).toBe(0);
	const voiceNote = readdirSync(join(petrs, 'files')).find((name) => name.startsWith('Voice note '));
	expect(readdirSync(join(petrs, 'files')).sort()).toEqual(['generator.log', voiceNote, 'wire-guide.png'].sort());
	expect(readFileSync(join(petrs, 'files', 'wire-guide.png')).equals(PHOTO)).toBe(true);
	expect(readdirSync(join(petrs, 'whiteboards'))).toEqual(['Whiteboard 1.png']);
	const petrJson = readJson(petrs);
	expect(petrJson).toMatchObject({ schemaVersion: 2, generatedBy: { id: 'petr', on: 'device', language: 'en' }, bundle: { missingFiles: [], missingWhiteboards: [] } });
	const texts = petrJson.timeline.filter((e: { kind: string }) => e.kind === 'text');
	expect(texts.map((e: { text: string }) => e.text)).toEqual(TEXTS);
	expect(texts[3]).toMatchObject({ replyTo: texts[0].id, mentions: ['anna'], editedAt: null });
	expect(texts[4]).toMatchObject({ editedAt: expect.any(Number), deletedAt: null });
	expect(texts[5]).toMatchObject({ deletedAt: expect.any(Number), mentions: [] });
	expect(JSON.stringify(petrJson)).not.toContain(DELETED);
	const fileOf = (name: string) => petrJson.files.find((f: { name: string }) => f.name === name);
	expect(fileOf(voiceNote!).durationMs).toBeGreaterThan(1000);
	expect(fileOf('wire-guide.png').thumbnail).toMatchObject({ type: 'image/webp', width: expect.any(Number), size: expect.any(Number) });
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
	await anna.getByRole('note').getByText('3 of 3 files are not on this device').waitFor();
	await anna.locator('.service-report').getByText(MESSAGES[2]!, { exact: true }).waitFor();
	// The photo is not on her phone: its thumbnail from the conversation shows it.
	const annasPhoto = anna.locator('.service-report').getByRole('img', { name: 'wire-guide.png' });
	await expect.poll(() => annasPhoto.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(fileOf('wire-guide.png').thumbnail.width);
	await anna.locator('.service-report').getByRole('img', { name: 'Whiteboard 1' }).waitFor();
	await annasPhoto.evaluate((img) => img.closest('li')!.scrollIntoView());
	await anna.screenshot({ path: join(SCREENSHOTS, 'report-phone.png') });
	const annas = await downloadBundle(anna, 'anna');
	expect(sha256sumCheck(annas).status).toBe(0);
	const annaJson = readJson(annas);
	expect(annaJson.bundle.missingFiles.sort()).toEqual([sha(PHOTO), sha(LOG), fileOf(voiceNote!).sha256].sort());
	expect(readFileSync(join(annas, 'report.html'), 'utf8')).toContain(sha(LOG));
	// Her report.html, opened from the unpacked bundle with no network, shows the photo all the same (from the thumbnail inside it).
	const page = await anna.context().newPage();
	await page.context().setOffline(true);
	await page.goto(`file://${join(annas, 'report.html')}`);
	await expect.poll(() => page.getByRole('img', { name: 'wire-guide.png' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(fileOf('wire-guide.png').thumbnail.width);
	await page.context().setOffline(false);
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
