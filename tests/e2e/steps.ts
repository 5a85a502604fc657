// Steps several browser tests share: a person signed in in their own browser context, a case chat created
// through the New conversation dialog exactly as a person does it, and a participant's live video in a call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { signIn, viewports } from './harness';
import { rememberMessageText } from '../helpers/relay-log.ts';

export async function signedInPage(browser: Browser, url: string, username: string, viewport: keyof typeof viewports = 'tablet'): Promise<Page> {
	const context = await browser.newContext({ viewport: viewports[viewport], locale: 'en-GB' });
	const page = await context.newPage();
	await signIn(page, url, username);
	await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
	return page;
}

/** Creates a Service case chat on SC-1042 with the given people and returns its path, /conferencing/<id>. */
export async function createCaseChat(page: Page, title: string, people: string[]): Promise<string> {
	await page.getByRole('button', { name: 'New conversation' }).click();
	const dialog = page.getByRole('dialog', { name: 'New conversation' });
	await dialog.getByLabel('Service case', { exact: true }).selectOption({ label: 'SC-1042 · CUT P 550 – wire breakage during roughing' });
	for (const person of people) await dialog.getByRole('checkbox', { name: person }).check();
	await dialog.getByLabel('Title (optional)').fill(title);
	await dialog.getByRole('button', { name: 'Create Conversation' }).click();
	await page.waitForURL(/\/conferencing\/[1-9A-HJ-NP-Za-km-z]+$/);
	return new URL(page.url()).pathname;
}

/** Frame 2's message log. */
export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });

/** Sends a message with the Message field and waits until it has reached the relay. */
export async function sendMessage(page: Page, text: string): Promise<void> {
	rememberMessageText(text);
	await page.getByRole('textbox', { name: 'Message' }).fill(text);
	await page.getByRole('textbox', { name: 'Message' }).press('Enter');
	await messageLog(page).getByRole('article').filter({ hasText: text }).getByText('Reached the relay').waitFor();
}

/** How many records one of the blob store's object stores holds on this device, read straight from its IndexedDB. */
export const storedCount = (page: Page, store: 'chunks' | 'manifests') =>
	page.evaluate(
		(store) =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('caseroom-files');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					if (!open.result.objectStoreNames.contains(store)) return resolve(0);
					const count = open.result.transaction(store).objectStore(store).count();
					count.onsuccess = () => resolve(count.result);
					count.onerror = () => reject(count.error);
				};
			}),
		store
	);

/** A participant's tile in the call. */
export const tile = (page: Page, name: string) => page.getByRole('figure', { name, exact: true });

/** The person's video in this tile shows new frames: what a viewer means by "live". */
export async function framesAdvance(page: Page, name: string): Promise<void> {
	const video = tile(page, name).locator('video');
	await video.waitFor({ state: 'attached' });
	await page.waitForFunction((el) => (el as HTMLVideoElement).currentTime > 0, await video.elementHandle(), { timeout: 20_000 });
	const before = await video.evaluate((el: HTMLVideoElement) => el.currentTime);
	// Four new frames presented: a picture that moves, not one frame that got through. The fake camera sends 30 a
	// second, but WebRTC lowers the rate when the cores are busy (once, a full suite's load left 1 in a second), so
	// the test waits for the frames rather than counting a fixed second.
	const frames = await video.evaluate(
		(el: HTMLVideoElement) =>
			new Promise<number>((resolve) => {
				let n = 0;
				const count = () => (++n >= 4 ? resolve(n) : el.requestVideoFrameCallback(count));
				el.requestVideoFrameCallback(count);
				setTimeout(() => resolve(n), 10_000);
			})
	);
	const after = await video.evaluate((el: HTMLVideoElement) => el.currentTime);
	expect(after).toBeGreaterThan(before);
	const visibility = await page.evaluate(() => document.visibilityState);
	expect(frames, `frames presented in 10 s (the page was ${visibility})`).toBe(4);
}

/** Shares a file through Share → Upload new file (from disk: Playwright would push a large buffer slowly). */
export async function share(page: Page, name: string, bytes: Buffer): Promise<void> {
	const path = join(mkdtempSync(join(tmpdir(), 'caseroom-p2p-')), name);
	writeFileSync(path, bytes);
	await page.getByRole('button', { name: 'Share' }).click();
	await page.getByRole('menuitem', { name: 'Upload new file' }).click();
	const dialog = page.getByRole('dialog', { name: 'Upload new file' });
	await dialog.getByLabel('Files to share').setInputFiles(path);
	await dialog.getByRole('button', { name: 'Upload' }).click();
	await dialog.waitFor({ state: 'detached', timeout: 60_000 });
}

/** Downloads a file from its open viewer; its bytes. */
export async function download(page: Page, name: string): Promise<Buffer> {
	const viewer = page.getByRole('dialog', { name });
	const [file] = await Promise.all([page.waitForEvent('download', { timeout: 150_000 }), viewer.getByRole('link', { name: 'Download' }).click({ timeout: 150_000 })]);
	return readFile((await file.path())!);
}

