// Photos and voice notes in one tap, as people on a plant floor use them. Petr, on a tablet, reaches the relay through a
// fault proxy, so "no network" is a real refused connection; Anna follows on her phone. A photo from `Take photo`
// (the file chooser standing in for the camera) shows inline for both, turned as its EXIF says; one taken offline
// shows on Petr's tablet at once and reaches Anna within 2 s of the network returning, its thumbnail before the
// photo itself. Anna opens it, pinch-zooms with two fingers and `Annotate`s it on a whiteboard. A voice note recorded
// with Chromium's fake microphone plays on Anna's phone with its duration; a refused microphone says what to do.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { photoJpeg, withExifOrientation } from './photo';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';
import { createCaseChat, messageLog, signedInPage, storedCount } from './steps';

// The microphone is granted to Petr's tablet and refused on his phone, as the site's permission says.
const running = useAppAndBrowser({ askForMedia: true });
let proxy: FaultProxy;
let petr: Page;
let anna: Page;
let chatPath: string;

beforeAll(async () => {
	proxy = await startFaultProxy(Number(new URL(running.app.url).port));
});
afterAll(async () => {
	await Promise.all([petr, anna].map((p) => p?.context().close().catch(() => {})));
	await proxy?.close();
});

/**
 * Takes a photo with `Take photo`: the chooser a desktop shows in place of the camera gets the file. Resolves with a
 * function that says how long ago (ms, the page's clock) the app got the photo, which leaves out the time the test
 * takes to hand the bytes to the browser.
 */
async function takePhoto(page: Page, name: string, jpeg: Buffer): Promise<() => Promise<number>> {
	await page.evaluate(() => document.addEventListener('change', () => ((window as unknown as { tookAt: number }).tookAt = performance.now()), { capture: true, once: true }));
	const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Take photo' }).click()]);
	await chooser.setFiles({ name, mimeType: 'image/jpeg', buffer: jpeg });
	return () => page.evaluate(() => performance.now() - (window as unknown as { tookAt: number }).tookAt);
}

/** The photo in the messages once its picture is decoded: the image named after the file. */
async function shownPhoto(page: Page, name: string, timeout = 15_000) {
	const image = messageLog(page).getByRole('img', { name });
	await image.waitFor({ timeout });
	await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout }).toBe(true);
	return image;
}

it('sends a photo in one tap, online and offline: inline for both, thumbnail first', async () => {
	const origin = `http://127.0.0.1:${proxy.port}`;
	petr = await signedInPage(running.browser, origin, 'petr');
	await petr.context().grantPermissions(['microphone'], { origin });
	chatPath = await createCaseChat(petr, 'Generator alarm photos', ['Anna Horáková']);
	const annaContext = await running.browser.newContext({ viewport: viewports.phone, hasTouch: true, isMobile: true, locale: 'en-GB' });
	anna = await annaContext.newPage();
	await signIn(anna, running.app.url, 'anna');
	await anna.getByRole('status').getByText('Online', { exact: true }).waitFor();
	await anna.goto(`${running.app.url}${chatPath}`);
	await messageLog(anna).waitFor();

	// Upright on the tablet: the camera stored it sideways with EXIF orientation 6.
	const upright = withExifOrientation(await photoJpeg(petr, 1200, 1600, 'ALARM', true), 6);
	let since = await takePhoto(petr, 'alarm screen.jpg', upright);
	await shownPhoto(petr, 'alarm screen.jpg');
	console.log(`online photo on the sender's screen ${Math.round(await since())} ms after it was taken`);
	const seen = await shownPhoto(anna, 'alarm screen.jpg');
	// Shown upright: portrait, 320 pixels high, and the photo's red third on the left.
	const [width, height, red] = await seen.evaluate((img: HTMLImageElement) => {
		const g = new OffscreenCanvas(img.naturalWidth, img.naturalHeight).getContext('2d')!;
		g.drawImage(img, 0, 0);
		const [r, gr, b] = g.getImageData(5, img.naturalHeight / 2, 1, 1).data;
		return [img.naturalWidth, img.naturalHeight, r! > 150 && gr! < 90 && b! < 90];
	});
	expect([width, height, red]).toEqual([240, 320, true]);

	// Offline: the network goes (connections refused, and the tablet knows it).
	proxy.cut();
	await petr.context().setOffline(true);
	await petr.getByRole('status').getByText(/Offline/).waitFor({ timeout: 15_000 });
	const spool = await photoJpeg(petr, 4000, 3000, 'SPOOL 7');
	since = await takePhoto(petr, 'wire spool.jpg', spool);
	await shownPhoto(petr, 'wire spool.jpg');
	const atOnce = await since();
	console.log(`offline 12-megapixel photo (${Math.round(spool.length / 1000)} kB) on the sender's screen ${Math.round(atOnce)} ms after it was taken`);
	expect(atOnce).toBeLessThan(3000);
	await expect(messageLog(anna).getByRole('img', { name: 'wire spool.jpg' }).count()).resolves.toBe(0);

	proxy.heal();
	await petr.context().setOffline(false);
	const back = Date.now();
	await shownPhoto(anna, 'wire spool.jpg', 10_000);
	const arrived = Date.now() - back;
	// Thumbnail first: Anna sees the picture while the photo's bytes are still nowhere on her phone.
	await expect(storedCount(anna, 'manifests')).resolves.toBe(0);
	console.log(`offline photo at the other member ${arrived} ms after the network returned`);
	expect(arrived).toBeLessThanOrEqual(2000);
});

it('opens a photo in the viewer, pinch-zooms it with two fingers and annotates it on a whiteboard', async () => {
	await messageLog(anna).getByRole('button', { name: 'wire spool.jpg' }).click();
	const viewer = anna.getByRole('dialog', { name: 'wire spool.jpg' });
	// The full picture, fetched from the relay or Petr's tablet, replaces the preview.
	await viewer.getByRole('img', { name: 'wire spool.jpg' }).waitFor({ timeout: 30_000 });
	const zoom = async () => Number((await viewer.getByText(/^\d+ %$/).textContent())!.replace(/\D/g, ''));
	const fitted = await zoom();
	expect(fitted).toBeLessThan(100);

	const stage = await viewer.getByRole('img', { name: 'wire spool.jpg' }).boundingBox();
	const cdp = await anna.context().newCDPSession(anna);
	await pinch(cdp, stage!.x + stage!.width / 2, stage!.y + stage!.height / 2, 40, 160);
	await expect.poll(zoom).toBeGreaterThan(fitted * 2.5);
	await viewer.getByRole('button', { name: 'Fit to screen' }).click();
	await expect.poll(zoom).toBe(fitted);
	await viewer.getByRole('button', { name: 'Zoom in' }).click();
	await expect.poll(zoom).toBeGreaterThan(fitted);
	await screenshot(anna, 'photo-viewer-phone');

	await viewer.getByRole('button', { name: 'Annotate' }).click();
	await anna.waitForURL(/\/whiteboard\//);
	// The board starts with one element: the photo as its background.
	await anna.getByRole('img', { name: 'Whiteboard Notes on wire spool.jpg: 1 elements' }).waitFor({ timeout: 15_000 });
	// On the phone the tools are named icons in two rows, nothing to scroll sideways; the shapes sit behind a button.
	const tools = anna.getByRole('toolbar', { name: 'Drawing tools' });
	const [scrollWidth, clientWidth, toolbarHeight] = await tools.evaluate((el) => [el.scrollWidth, el.clientWidth, el.getBoundingClientRect().height]);
	expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
	expect(toolbarHeight).toBeLessThan(110);
	await tools.getByRole('button', { name: 'Shapes' }).click();
	await tools.getByRole('group', { name: 'Shapes' }).getByRole('button', { name: 'Arrow' }).click();
	await expect(tools.getByRole('button', { name: 'Shapes' }).getAttribute('aria-pressed')).resolves.toBe('true');
	await tools.getByRole('button', { name: 'Colour and width' }).click();
	await screenshot(anna, 'whiteboard-toolbar-phone');
	await tools.getByRole('button', { name: 'Green' }).click();
	await anna.getByRole('link', { name: /Back to the conversation/ }).click();
	await messageLog(petr).getByRole('link', { name: 'Anna Horáková started a whiteboard session Notes on wire spool.jpg' }).waitFor({ timeout: 15_000 });
});

it('records a voice note that plays on the other phone with its duration, and says what to do about a refused microphone', async () => {
	const recordFor = 2500;
	await petr.getByRole('button', { name: 'Record voice note' }).click();
	await petr.getByRole('button', { name: 'Stop recording' }).waitFor();
	await petr.waitForTimeout(recordFor);
	await petr.getByRole('button', { name: 'Stop recording' }).click();
	const note = (page: Page) => messageLog(page).getByRole('group', { name: /^Voice note, 0:0[23]$/ });
	await note(petr).waitFor({ timeout: 10_000 });
	const label = await note(petr).getAttribute('aria-label');

	await note(anna).waitFor({ timeout: 10_000 });
	await expect(note(anna).getAttribute('aria-label')).resolves.toBe(label);
	await note(anna).getByRole('button', { name: 'Play voice note' }).click();
	await note(anna).getByRole('button', { name: 'Pause voice note' }).waitFor({ timeout: 15_000 });
	await screenshot(anna, 'voice-note-phone');
	await note(anna).getByRole('button', { name: 'Play voice note' }).waitFor({ timeout: 15_000 });
	// Played to its end: as long as it was recorded.
	const played = await note(anna).locator('audio').evaluate((audio: HTMLAudioElement) => audio.duration);
	expect(Math.abs(played * 1000 - recordFor)).toBeLessThan(700);

	// Anna's annotation board reached Petr's tablet with the photo on it (its thumbnail in Details is drawn).
	const boardThumbnail = petr.getByRole('region', { name: 'Details' }).getByRole('link', { name: 'Open whiteboard Notes on wire spool.jpg' }).locator('canvas');
	await expect
		.poll(() => boardThumbnail.evaluate((canvas: HTMLCanvasElement) => canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data.some((v, i) => i % 4 === 3 && v > 0)), { timeout: 15_000 })
		.toBe(true);
	await screenshot(petr, 'photos-voice-tablet');

	// Petr's phone does not let Caseroom use the microphone.
	const phone = await signedInPage(running.browser, running.app.url, 'petr', 'phone');
	const cdp = await phone.context().newCDPSession(phone);
	const { targetInfo } = await cdp.send('Target.getTargetInfo');
	await cdp.send('Browser.setPermission', { permission: { name: 'microphone' }, setting: 'denied', origin: running.app.url, browserContextId: targetInfo.browserContextId });
	await phone.goto(`${running.app.url}${chatPath}`);
	await phone.getByRole('button', { name: 'Record voice note' }).click();
	await phone.getByRole('alert').getByText(/may not use the microphone.*Allow the microphone for this site/).waitFor();
	await shownPhoto(phone, 'alarm screen.jpg');
	await screenshot(phone, 'photos-voice-phone');
	await phone.context().close();
});

/** Two fingers on the screen through the DevTools protocol, moving apart from `from` to `to` pixels. */
async function pinch(cdp: CDPSession, x: number, y: number, from: number, to: number) {
	const points = (d: number) => [
		{ x: x - d, y, id: 1 },
		{ x: x + d, y, id: 2 }
	];
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(from) });
	for (let step = 1; step <= 8; step++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(from + ((to - from) * step) / 8) });
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}
