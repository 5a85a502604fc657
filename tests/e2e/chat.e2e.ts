// The chat as people use it on a tablet and a phone: Seen by, a reply with a mention, an edit and a delete seen by
// both sides; one person's unread counts agreeing on their two devices; a muted conversation; and a notification
// shown while the app is in the background.
//
// Headless Chromium (and Chromium under Playwright at all, playwright#2286) keeps every page visible, whatever is in
// front; so to put Anna's phone "in the background" the test makes her page report what a tablet reports when another
// app is in front: `document.visibilityState` 'hidden' and a `visibilitychange` event. Everything else is real: the
// service worker shows the notification, and its `getNotifications()` proves it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, useAppAndBrowser, viewports } from './harness';
import { createCaseChat, messageLog, sendMessage, signedInPage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
afterAll(async () => {
	for (const page of pages) await page.context().close();
});

const message = (page: Page, text: string) => messageLog(page).getByRole('article').filter({ hasText: text });
const listEntry = (page: Page, title: string) => page.getByRole('link', { name: new RegExp(title) });

async function person(username: string, viewport: keyof typeof viewports = 'tablet') {
	const page = await signedInPage(running.browser, running.app.url, username, viewport);
	pages.push(page);
	return page;
}

/** The page reports that another app is in front (see the header), or that it is in front again. */
async function setHidden(page: Page, hidden: boolean) {
	await page.evaluate((hide) => {
		if (hide) {
			Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
			Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
		} else {
			delete (document as unknown as Record<string, unknown>).visibilityState;
			delete (document as unknown as Record<string, unknown>).hidden;
		}
		document.dispatchEvent(new Event('visibilitychange'));
	}, hidden);
}

/** What the service worker is showing: "title | body" per notification. */
const shownNotifications = (page: Page) =>
	page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => `${n.title} | ${n.body}`));

describe('the chat', () => {
	let petr: Page;
	let anna: Page;

	it('shows Seen by, and a reply with a mention, an edit and a delete to both people', async () => {
		petr = await person('petr');
		anna = await person('anna', 'phone');
		await createCaseChat(petr, 'Wire tension', ['Anna Horáková']);
		await sendMessage(petr, 'Which wire do you use on the CUT P 550?');
		const question = message(petr, 'Which wire do you use');
		await expect(question.getByText(/^Seen by/).count()).resolves.toBe(0);

		// Anna opens it on her phone: Petr sees that she has seen it.
		await listEntry(anna, 'Wire tension').getByLabel('1 unread').waitFor();
		await listEntry(anna, 'Wire tension').click();
		await question.getByText(/^Seen by Anna Horáková \d\d:\d\d$/).waitFor();

		// She answers that message, naming him with @ from the offer of members (keyboard: type, Enter).
		await message(anna, 'Which wire do you use').getByRole('button', { name: 'Reply' }).click();
		await anna.getByText('Replying to Petr Novák').waitFor();
		const field = anna.getByRole('textbox', { name: 'Message' });
		await field.pressSequentially('@pe');
		await anna.getByRole('listbox', { name: 'Mention someone' }).getByRole('option', { name: '@Petr Novák' }).waitFor();
		await field.press('Enter');
		await expect(field.inputValue()).resolves.toBe('@Petr Novák ');
		await field.pressSequentially('0.25 mm brass, as in the manual');
		await field.press('Enter');
		await message(anna, '0.25 mm brass').getByText('Reached the relay').waitFor();

		// Petr sees the quote and the mention, marked for him; the quote takes him to his question.
		const reply = messageLog(petr).getByRole('article', { name: /^Anna Horáková, .*, Mentions you$/ });
		await reply.getByText('@Petr Novák').waitFor();
		const quote = reply.getByRole('button', { name: 'Show the message from Petr Novák this answers' });
		await expect(quote.textContent()).resolves.toContain('Which wire do you use on the CUT P 550?');
		await sendMessage(petr, 'Thanks. And the flushing pressure?');
		await quote.click();
		await petr.waitForFunction(() => document.activeElement?.textContent?.includes('Which wire do you use'));

		// He corrects his question: both see the new text, marked edited.
		await question.getByRole('button', { name: 'Edit' }).click();
		const editor = petr.getByRole('textbox', { name: 'Edit message' });
		await editor.fill('Which wire diameter do you use on the CUT P 550?');
		await editor.press('Enter');
		for (const page of [petr, anna]) await message(page, 'Which wire diameter').getByText('edited').waitFor();
		await anna.getByRole('button', { name: 'Show the message from Petr Novák this answers' }).getByText('Which wire diameter').waitFor();
		// The pointer away from the messages, and the jump's highlight faded, for the pictures.
		for (const page of [petr, anna]) await page.mouse.move(1, 1);
		await petr.waitForTimeout(1500);
		await screenshot(petr, 'chat-stream-tablet');
		await screenshot(anna, 'chat-stream-phone');

		// Anna deletes her answer (after confirming): both see "Message deleted", and the text is gone from the page.
		anna.once('dialog', (dialog) => void dialog.accept());
		await message(anna, '0.25 mm brass').getByRole('button', { name: 'Delete' }).click();
		for (const page of [anna, petr]) {
			await messageLog(page).getByText('Message deleted').waitFor();
			await expect(messageLog(page).getByText('0.25 mm brass').count()).resolves.toBe(0);
		}
		// Nobody can change someone else's message: Anna has no Edit or Delete on Petr's.
		await expect(message(anna, 'Which wire diameter').getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
		await expect(message(anna, 'Which wire diameter').getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);
	});

	it("agrees on one person's unread counts on both her devices, mutes, and notifies while in the background", async () => {
		// Anna's tablet, in German; her phone goes back to the list and may show notifications.
		const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'de-DE' });
		const tablet = await context.newPage();
		pages.push(tablet);
		await tablet.goto(`${running.app.url}/login`);
		await tablet.getByLabel('Benutzername').fill('anna');
		await tablet.getByLabel('Passwort').fill('demo');
		await tablet.getByRole('button', { name: 'Anmelden' }).click();
		await anna.context().grantPermissions(['notifications'], { origin: running.app.url });
		await anna.getByRole('link', { name: 'Back to conversations' }).click();
		await expect(listEntry(anna, 'Wire tension').getByLabel(/unread/).count()).resolves.toBe(0);

		await sendMessage(petr, 'Tension set to 12 N.');
		await sendMessage(petr, 'Flushing at 8 bar.');
		await listEntry(anna, 'Wire tension').getByLabel('2 unread').waitFor();
		await listEntry(tablet, 'Wire tension').getByLabel('2 ungelesen').waitFor();
		// Read on the tablet: the phone, never opened, agrees.
		await listEntry(tablet, 'Wire tension').click();
		await tablet.getByRole('log', { name: 'Nachrichten' }).getByText('Flushing at 8 bar.').waitFor();
		await listEntry(anna, 'Wire tension').getByLabel(/unread/).waitFor({ state: 'detached' });

		// The phone is in the background: a message from Petr is a notification there (and read on the tablet).
		await setHidden(anna, true);
		await sendMessage(petr, 'Spindle at 12 000 rpm now.');
		// First that it reached the phone (slow when the cores are busy), then that the phone said so at once.
		await listEntry(anna, 'Wire tension').getByText('Spindle at 12 000 rpm now.').waitFor({ timeout: 30_000 });
		await expect
			.poll(() => shownNotifications(anna), { timeout: 5_000, message: 'a notification once the message is on the phone' })
			.toEqual(['Wire tension | Petr Novák: Spindle at 12 000 rpm now.']);

		// Muted on the tablet (Details), which then goes back to its list: the phone shows it muted, and says nothing
		// of a routine message, which both count as unread, quietly…
		await tablet.getByRole('region', { name: 'Details' }).getByLabel('Diese Unterhaltung stummschalten').check();
		await listEntry(anna, 'Wire tension').getByRole('img', { name: 'Muted' }).waitFor();
		await tablet.getByRole('navigation', { name: 'Konferenz' }).getByRole('link').click();
		await tablet.getByRole('log', { name: 'Nachrichten' }).waitFor({ state: 'detached' });
		await sendMessage(petr, 'Routine: coolant topped up.');
		await listEntry(anna, 'Wire tension').getByText('Routine: coolant topped up.').waitFor();
		await listEntry(anna, 'Wire tension').getByLabel('1 unread').waitFor();
		await listEntry(tablet, 'Wire tension').getByLabel('1 ungelesen').waitFor();
		await anna.waitForTimeout(1000); // the time a notification would take to appear (well under 100 ms here)
		await expect(shownNotifications(anna)).resolves.toEqual(['Wire tension | Petr Novák: Spindle at 12 000 rpm now.']);
		// …but a mention of Anna still notifies her, and shows in the list.
		await sendMessage(petr, '@Anna Horáková please confirm the flushing.');
		await expect
			.poll(() => shownNotifications(anna), { timeout: 10_000 })
			.toEqual(['Wire tension | Petr Novák mentioned you: @Anna Horáková please confirm the flushing.']);
		await listEntry(anna, 'Wire tension').getByRole('img', { name: 'Mentions you' }).waitFor();
		await listEntry(tablet, 'Wire tension').getByRole('img', { name: 'Erwähnt Sie' }).waitFor();
		await screenshot(anna, 'chat-list-muted-phone');
		await setHidden(anna, false);
	});
});
