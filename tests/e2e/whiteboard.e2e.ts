// A whiteboard session between two people: Petr starts it from the conversation's Share menu and draws with the
// mouse; Anna, who opened it from Details, sees his stroke while he draws it and his pointer with his name, then
// the finished stroke in the board; the board is listed with its thumbnail in Details.
import { afterAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, useAppAndBrowser } from './harness';
import { createCaseChat, signedInPage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
afterAll(async () => Promise.all(pages.map((p) => p.context().close())));

/** Whether anything is drawn around a point of the board (any of Konva's layer canvases), in CSS pixels. */
function inkAt(page: Page, x: number, y: number): Promise<boolean> {
	return page.evaluate(
		([x, y]) =>
			Array.from(document.querySelectorAll<HTMLCanvasElement>('[role="img"] canvas')).some((canvas) => {
				const ratio = canvas.width / canvas.getBoundingClientRect().width;
				const data = canvas.getContext('2d')!.getImageData(Math.round((x! - 3) * ratio), Math.round((y! - 3) * ratio), Math.ceil(6 * ratio), Math.ceil(6 * ratio)).data;
				for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
				return false;
			}),
		[x, y]
	);
}

async function boardOrigin(page: Page) {
	const box = await page.getByRole('img', { name: /^Whiteboard / }).boundingBox();
	return { x: box!.x, y: box!.y };
}

it('shows a stroke to the other member while it is drawn, and the finished board in Details', async () => {
	const petr = await signedInPage(running.browser, running.app.url, 'petr');
	const anna = await signedInPage(running.browser, running.app.url, 'anna');
	pages.push(petr, anna);
	const chatPath = await createCaseChat(petr, 'Wire guide sketch', ['Anna Horáková']);

	await petr.getByRole('button', { name: 'Share' }).click();
	await petr.getByRole('menuitem', { name: 'Whiteboard session' }).click();
	await petr.waitForURL(/\/whiteboard\//);
	await petr.getByRole('img', { name: 'Whiteboard Whiteboard 1: 0 elements' }).waitFor();
	const boardPath = new URL(petr.url()).pathname;

	await anna.getByRole('link', { name: /Wire guide sketch/ }).click();
	// The message is also the way into the session.
	await anna.getByRole('log', { name: 'Messages' }).getByRole('link', { name: 'Petr Novák started a whiteboard session Whiteboard 1' }).waitFor();
	await anna.getByRole('region', { name: 'Details' }).getByRole('link', { name: 'Open whiteboard Whiteboard 1' }).click();
	await anna.waitForURL(`**${boardPath}`);
	await anna.getByRole('img', { name: 'Whiteboard Whiteboard 1: 0 elements' }).waitFor();

	// Petr draws a diagonal with the mouse; halfway, Anna already sees the stroke and his pointer.
	const origin = await boardOrigin(petr);
	await petr.getByRole('button', { name: 'Pen', exact: true }).click();
	await petr.mouse.move(origin.x + 200, origin.y + 200);
	await petr.mouse.down();
	for (let i = 1; i <= 20; i++) await petr.mouse.move(origin.x + 200 + i * 10, origin.y + 200 + i * 5);
	await anna.getByText('Petr Novák', { exact: true }).waitFor();
	await expect.poll(() => inkAt(anna, 300, 250), { timeout: 10_000 }).toBe(true);
	await expect(inkAt(anna, 600, 600)).resolves.toBe(false);
	for (let i = 21; i <= 40; i++) await petr.mouse.move(origin.x + 200 + i * 10, origin.y + 200 + i * 5);
	await petr.mouse.up();

	await anna.getByRole('img', { name: 'Whiteboard Whiteboard 1: 1 elements' }).waitFor();
	await expect.poll(() => inkAt(anna, 500, 350)).toBe(true);
	await screenshot(anna, 'whiteboard-tablet');

	// Undo takes Petr's stroke back for both; redo brings it back.
	await petr.getByRole('button', { name: 'Undo' }).click();
	await anna.getByRole('img', { name: 'Whiteboard Whiteboard 1: 0 elements' }).waitFor();
	await petr.getByRole('button', { name: 'Redo' }).click();
	await anna.getByRole('img', { name: 'Whiteboard Whiteboard 1: 1 elements' }).waitFor();

	// Export: the board becomes a PNG among the conversation's files.
	await petr.getByRole('button', { name: 'Save as PNG to Files' }).click();
	await petr.getByRole('status').filter({ hasText: 'Saved to the conversation’s files as Whiteboard 1.png.' }).waitFor({ timeout: 20_000 });
	// A picture from the conversation's files (here that PNG) placed on the board to annotate: Anna sees it too.
	await petr.getByLabel('Place a picture from the conversation’s files').selectOption({ label: 'Whiteboard 1.png' });
	await anna.getByRole('img', { name: 'Whiteboard Whiteboard 1: 2 elements' }).waitFor({ timeout: 20_000 });

	await petr.getByRole('link', { name: 'Back to the conversation' }).click();
	await petr.waitForURL(`**${chatPath}`);
	const details = petr.getByRole('region', { name: 'Details' });
	await details.getByRole('link', { name: 'Open whiteboard Whiteboard 1' }).waitFor();
	await details.getByText('Files: 1 · Whiteboards: 1', { exact: false }).waitFor();
	await details.getByRole('button', { name: 'Open file Whiteboard 1.png' }).click();
	await petr.getByRole('dialog', { name: 'Whiteboard 1.png' }).getByRole('img', { name: 'Whiteboard 1.png' }).waitFor({ timeout: 20_000 });
	await screenshot(petr, 'whiteboard-exported-png-tablet');
	await petr.getByRole('dialog', { name: 'Whiteboard 1.png' }).getByRole('button', { name: 'Close' }).click();
	await screenshot(petr, 'whiteboard-in-details-tablet');
});
