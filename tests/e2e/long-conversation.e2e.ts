// A conversation with 10,000 messages (a long-running service case) opens fast and keeps the DOM small: only the
// rows in view are rendered, and scrolling back to the start brings the first message into view.
import { afterAll, expect, it } from 'vitest';
import '@automerge/automerge'; // initialises the wasm for the slim automerge-repo imports below
import { WebSocket } from 'ws';
import { newConversation } from '../../src/lib/model/conversation';
import type { ConversationDoc, Message } from '../../src/lib/model/conversation-schema';
import { asCaseId, asMessageId, asUserId } from '../../src/lib/model/ids';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo';
import { api, login } from '../helpers/relay';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';

const running = useAppAndBrowser();
const COUNT = 10_000;
let writer: ClientRepo | undefined;
afterAll(async () => writer?.shutdown());

/** Petr's device writes the history (as if over months) and registers it with Anna as a member. */
async function longConversation(): Promise<string> {
	const petr = await login(running.app.url, 'petr');
	writer = createClientRepo({ url: `${running.app.url.replace('http', 'ws')}/sync`, token: petr.token, userId: 'petr', webSocket: WebSocket });
	const start = Date.UTC(2026, 5, 1, 8);
	const doc = newConversation({
		kind: 'case',
		title: 'Spindle vibration log',
		case: { id: asCaseId('SC-1043'), number: 'SC-1043', title: 'MIKRON MILL S 400 – spindle vibration' },
		creator: { id: asUserId('petr'), name: 'Petr Novák' },
		members: [{ id: asUserId('anna'), name: 'Anna Horáková' }],
		at: start,
		messageId: asMessageId('created')
	});
	const messages: Message[] = Array.from({ length: COUNT }, (_, i) => ({
		id: asMessageId(`m${i}`),
		author: asUserId(i % 3 ? 'petr' : 'anna'),
		at: start + i * 15 * 60_000,
		kind: 'text',
		text: `Reading ${i + 1}: vibration ${(1.5 + (i % 17) / 10).toFixed(1)} mm/s at ${8000 + (i % 9) * 500} rpm`
	}));
	const handle = writer.repo.create<ConversationDoc>({ ...doc, messages: [...doc.messages, ...messages] });
	const registered = await api(running.app.url, '/api/conversations', {
		token: petr.token,
		body: { documentId: handle.documentId, kind: 'case', caseId: 'SC-1043', members: ['anna'] }
	});
	expect(registered.status).toBe(201);
	expect(await writer.delivery.whenDelivered(handle, 30_000)).toBe(true);
	return handle.documentId;
}

it('opens a conversation of 10,000 messages with only the visible ones rendered, and scrolls to the first', async () => {
	const id = await longConversation();
	const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'en-GB' });
	const page = await context.newPage();
	await signIn(page, running.app.url, 'anna');
	await page.getByRole('link', { name: /Spindle vibration log/ }).waitFor({ timeout: 30_000 });
	// Open it from the list, as a person would, once it is on the device.
	await page.goto(`${running.app.url}/conferencing`);
	await page.getByRole('link', { name: /Spindle vibration log/ }).waitFor();
	const opened = performance.now();
	await page.getByRole('link', { name: /Spindle vibration log/ }).click();
	const log = page.getByRole('log', { name: 'Messages' });
	await log.getByText(`Reading ${COUNT}:`).waitFor();
	console.log(`10,000 messages: list click → last message on screen in ${(performance.now() - opened).toFixed(0)} ms`);
	expect(page.url()).toBe(`${running.app.url}/conferencing/${id}`);

	const rendered = await log.getByRole('article').count();
	expect(rendered).toBeGreaterThan(3);
	expect(rendered).toBeLessThan(100);
	await screenshot(page, 'conferencing-long-conversation-tablet');

	// Scroll back to the very beginning: the first reading appears, the last is no longer in the DOM.
	for (let i = 0; i < 50 && (await log.getByText('Reading 1:', { exact: false }).count()) === 0; i++) {
		await log.evaluate((el) => el.scrollTo({ top: 0 }));
		await page.waitForTimeout(100);
	}
	await log.getByText('Reading 1: vibration').waitFor();
	await expect(log.getByText(`Reading ${COUNT}:`).count()).resolves.toBe(0);
	await context.close();
});
