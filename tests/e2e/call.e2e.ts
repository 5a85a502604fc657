// Videoconference in Chromium with its fake camera and microphone, through the real relay: two people see each
// other's live video (frames advancing), a third joins and everyone sees three, mute shows on the others' screens,
// someone leaving disappears from the others' screens, the call is recorded in the conversation, and a person who is
// not a member cannot join. Also measures pressing `Videoconference` → first remote frame on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@automerge/automerge'; // initialises the wasm for the slim automerge-repo imports below
import type { BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { newConversation } from '../../src/lib/model/conversation';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema';
import { asCaseId, asMessageId, asUserId } from '../../src/lib/model/ids';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo';
import { api, login } from '../helpers/relay';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';
import { framesAdvance, tile } from './steps';

const running = useAppAndBrowser();
const contexts: BrowserContext[] = [];
let writer: ClientRepo | undefined;
let conversation = '';

afterAll(async () => {
	await Promise.all(contexts.map((c) => c.close()));
	await writer?.shutdown();
});

/** Petr's Service case chat on SC-1042 with Anna and Tomáš (Acme Precision), registered with the relay. */
beforeAll(async () => {
	const petr = await login(running.app.url, 'petr');
	writer = createClientRepo({ url: `${running.app.url.replace('http', 'ws')}/sync`, token: petr.token, userId: 'petr', webSocket: WebSocket });
	const handle = writer.repo.create<ConversationDoc>(
		newConversation({
			kind: 'case',
			title: 'Wire breaks: look at the guide',
			case: { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing' },
			creator: { id: asUserId('petr'), name: 'Petr Novák' },
			members: [{ id: asUserId('anna'), name: 'Anna Horáková' }, { id: asUserId('tomas'), name: 'Tomáš Marek' }],
			at: Date.now(),
			messageId: asMessageId('created')
		})
	);
	const registered = await api(running.app.url, '/api/conversations', {
		token: petr.token,
		body: { documentId: handle.documentId, kind: 'case', caseId: 'SC-1042', members: ['anna', 'tomas'] }
	});
	expect(registered.status).toBe(201);
	expect(await writer.delivery.whenDelivered(handle, 20_000)).toBe(true);
	conversation = handle.documentId;
});

async function person(username: string, viewport: keyof typeof viewports = 'tablet'): Promise<Page> {
	const context = await running.browser.newContext({ viewport: viewports[viewport], locale: 'en-GB' });
	contexts.push(context);
	const page = await context.newPage();
	await signIn(page, running.app.url, username);
	await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
	await page.goto(`${running.app.url}/conferencing/${conversation}`);
	return page;
}

const tiles = (page: Page) => page.getByRole('region', { name: 'Videoconference' }).getByRole('figure');

/** Presses `Videoconference` and resolves with the milliseconds until the first frame of someone else's video. */
async function pressVideoconference(page: Page): Promise<number> {
	await page.evaluate(() => {
		const w = window as unknown as { pressedAt?: number };
		document.addEventListener('click', (e) => {
			if ((e.target as Element).closest('button')?.textContent?.includes('Videoconference')) w.pressedAt = performance.now();
		}, { capture: true, once: true });
	});
	await page.getByRole('button', { name: 'Videoconference' }).click();
	const handle = await page.waitForFunction(
		() => {
			const remote = Array.from(document.querySelectorAll("figure:not(.local) video")) as HTMLVideoElement[];
			const playing = remote.find((v) => v.currentTime > 0 && v.videoWidth > 0);
			return playing ? performance.now() - (window as unknown as { pressedAt: number }).pressedAt : null;
		},
		null,
		{ polling: 'raf', timeout: 20_000 }
	);
	return (await handle.jsonValue()) as number;
}

describe('Videoconference', () => {
	let petr: Page;
	let anna: Page;
	let tomas: Page;

	it('lets two people join and each see the other live; the others see a call running in frame 2', async () => {
		[petr, anna] = await Promise.all([person('petr'), person('anna')]);
		await petr.getByRole('button', { name: 'Videoconference' }).click();
		await petr.waitForURL(`**/conferencing/${conversation}/call`);
		await tile(petr, 'Petr Novák (you)').waitFor();
		await petr.getByText('Waiting for others to join…').waitFor();

		// Anna's frame 2 says a call runs and who is in it.
		await anna.getByRole('status').filter({ hasText: 'Call running: Petr Novák' }).getByRole('button', { name: 'Join' }).waitFor({ timeout: 15_000 });
		const firstFrameMs = await pressVideoconference(anna);
		console.log(`Videoconference pressed → first remote frame: ${firstFrameMs.toFixed(0)} ms (joining a running call, loopback)`);

		await framesAdvance(anna, 'Petr Novák');
		await framesAdvance(petr, 'Anna Horáková');
		await expect(tiles(petr).count()).resolves.toBe(2);
		await tile(anna, 'Petr Novák').getByText(/^Connection: (good|fair|poor)$/).waitFor({ timeout: 10_000 });
	});

	it('shows a mute to the others', async () => {
		await anna.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Mute' }).click();
		await tile(petr, 'Anna Horáková').getByText('Muted').waitFor({ timeout: 5000 });
		await anna.getByRole('button', { name: 'Unmute' }).click();
		await tile(petr, 'Anna Horáková').getByText('Muted').waitFor({ state: 'detached', timeout: 5000 });
	});

	it("freezes a participant's picture as a new whiteboard in its own window, while the call goes on", async () => {
		const [board] = await Promise.all([
			anna.context().waitForEvent('page'),
			tile(anna, 'Petr Novák').getByRole('button', { name: 'Draw on Petr Novák’s picture' }).click()
		]);
		await board.getByRole('img', { name: 'Whiteboard Frame from Petr Novák: 1 elements' }).waitFor({ timeout: 20_000 });
		// The frozen frame is drawn: the middle of the board is not blank.
		const painted = await board.evaluate(() =>
			Array.from(document.querySelectorAll<HTMLCanvasElement>('[role="img"] canvas')).some((c) => {
				const data = c.getContext('2d')!.getImageData(c.width / 2 - 20, c.height / 2 - 20, 40, 40).data;
				for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
				return false;
			})
		);
		expect(painted).toBe(true);
		await screenshot(board, 'call-frozen-frame-whiteboard-tablet');
		await framesAdvance(anna, 'Petr Novák'); // still in the call
		await board.close();
		await petr.goto(`${running.app.url}/conferencing/${conversation}`).catch(() => {});
		await petr.getByRole('region', { name: 'Details' }).getByRole('link', { name: 'Open whiteboard Frame from Petr Novák' }).waitFor({ timeout: 15_000 });
		await petr.getByRole('button', { name: 'Videoconference' }).click();
		await framesAdvance(anna, 'Petr Novák');
	});

	it('lets a third join from the banner, and all three see three', async () => {
		tomas = await person('tomas', 'phone');
		await tomas.getByRole('status').filter({ hasText: 'Call running:' }).getByRole('button', { name: 'Join' }).click();
		await Promise.all([framesAdvance(tomas, 'Petr Novák'), framesAdvance(tomas, 'Anna Horáková')]);
		await Promise.all([framesAdvance(petr, 'Tomáš Marek'), framesAdvance(anna, 'Tomáš Marek')]);
		for (const page of [petr, anna, tomas]) await expect(tiles(page).count()).resolves.toBe(3);
		await screenshot(petr, 'call-three-tablet');
		await screenshot(tomas, 'call-three-phone');
	});

	it('lets someone leave, and the others notice', async () => {
		await tomas.getByRole('button', { name: 'Leave' }).click();
		await tomas.waitForURL(`**/conferencing/${conversation}`);
		await tile(petr, 'Tomáš Marek').waitFor({ state: 'detached', timeout: 5000 });
		await tile(anna, 'Tomáš Marek').waitFor({ state: 'detached', timeout: 5000 });
		await expect(tiles(petr).count()).resolves.toBe(2);
	});

	it('refuses someone who is not a member of the conversation', async () => {
		const jan = await person('jan');
		await jan.goto(`${running.app.url}/conferencing/${conversation}/call`);
		await jan.getByRole('alert').filter({ hasText: 'This conversation is not available to you' }).waitFor({ timeout: 15_000 });
		await expect(jan.getByRole('figure').count()).resolves.toBe(0);
		await expect(tiles(petr).count()).resolves.toBe(2);
	});

	it('records the call in the conversation when the last person leaves', async () => {
		await anna.getByRole('button', { name: 'Leave' }).click();
		await tile(petr, 'Anna Horáková').waitFor({ state: 'detached', timeout: 5000 });
		await petr.getByRole('button', { name: 'Leave' }).click();
		const log = petr.getByRole('log', { name: 'Messages' });
		await log.getByText('Petr Novák started a call').waitFor();
		await log.getByText('Call ended after 1 min, with Anna Horáková, Petr Novák, Tomáš Marek').waitFor({ timeout: 5000 });
		await anna.getByRole('log', { name: 'Messages' }).getByText(/Call ended after/).waitFor({ timeout: 10_000 });
		await expect(anna.getByText('Call running:').count()).resolves.toBe(0);
	});
});
