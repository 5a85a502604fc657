// The Conferencing screen as two people use it: the engineer starts a Service case chat with the customer, they
// talk; the customer's network really drops (their connections are cut and refused by a proxy), they write, reload
// offline and still see everything, and what they wrote reaches the engineer once the network returns. A customer
// of another organisation sees neither the conversation nor its content; a Czech browser gets the Czech labels, a
// German browser the German ones, and the language can be switched in the app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';
import { rememberMessageText } from '../helpers/relay-log.ts';

const running = useAppAndBrowser();
let customerLink: FaultProxy;
let conversationPath = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
	customerLink = await startFaultProxy(Number(new URL(running.app.url).port));
});
afterAll(async () => {
	await Promise.all(contexts.map((c) => c.close()));
	await customerLink?.close();
});

async function person(username: string, options: { via?: string; viewport?: keyof typeof viewports; locale?: string } = {}): Promise<Page> {
	const context = await running.browser.newContext({ viewport: viewports[options.viewport ?? 'tablet'], locale: options.locale ?? 'en-GB' });
	contexts.push(context);
	const page = await context.newPage();
	await signIn(page, options.via ?? running.app.url, username);
	await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
	return page;
}

const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });
const myMessage = (page: Page, text: string) => messages(page).getByRole('article').filter({ hasText: text });

async function send(page: Page, text: string) {
	rememberMessageText(text);
	await page.getByRole('textbox', { name: 'Message' }).fill(text);
	await page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

describe('the Conferencing screen', () => {
	let petr: Page;
	let anna: Page;

	it('lets the engineer start a Service case chat with the customer, and both talk', async () => {
		petr = await person('petr');
		await petr.getByRole('button', { name: 'New conversation' }).click();
		const dialog = petr.getByRole('dialog', { name: 'New conversation' });
		await dialog.getByLabel('Service case', { exact: true }).selectOption({ label: 'SC-1042 · CUT P 550 – wire breakage during roughing' });
		// The policy's choice for a case of Acme Precision: GFMS and Acme people, nobody of Beta Tools.
		await expect(dialog.getByRole('checkbox', { name: 'Jan Svoboda' }).count()).resolves.toBe(0);
		await dialog.getByRole('checkbox', { name: 'Anna Horáková' }).check();
		await dialog.getByLabel('Title (optional)').fill('Wire breaks during roughing');
		await dialog.getByRole('button', { name: 'Create Conversation' }).click();
		await petr.waitForURL(/\/conferencing\/[1-9A-HJ-NP-Za-km-z]+$/);
		conversationPath = new URL(petr.url()).pathname;

		await send(petr, 'Good morning Anna, which wire do you use? Manual: https://gfms.example/cut-p-550');
		await myMessage(petr, 'Good morning Anna').getByText('Reached the relay').waitFor();
		await expect(messages(petr).getByRole('link', { name: 'https://gfms.example/cut-p-550' }).getAttribute('href')).resolves.toBe('https://gfms.example/cut-p-550');
		await expect(petr.getByRole('textbox', { name: 'Message' }).inputValue()).resolves.toBe('');

		anna = await person('anna', { via: `http://127.0.0.1:${customerLink.port}` });
		const entry = anna.getByRole('link', { name: /Wire breaks during roughing/ });
		await entry.waitFor();
		await entry.getByText('SC-1042 · CUT P 550 – wire breakage during roughing').waitFor();
		await entry.getByLabel('1 unread').waitFor();
		await entry.click();
		await anna.waitForURL(`**${conversationPath}`);
		await messages(anna).getByText('which wire do you use?').waitFor();
		const details = anna.getByRole('region', { name: 'Details' });
		await details.getByText('CUT P 550 – wire breakage during roughing').waitFor();
		await details.getByRole('heading', { name: 'Whiteboards' }).waitFor();
		await details.getByRole('heading', { name: 'Files' }).waitFor();

		// Shift+Enter is a new line, Enter sends.
		const field = anna.getByRole('textbox', { name: 'Message' });
		await field.fill('0.25 mm brass.');
		await field.press('Shift+Enter');
		await field.pressSequentially('Breaks after ~40 mm <b>every time</b>');
		await field.press('Enter');
		await messages(petr).getByText('Breaks after ~40 mm <b>every time</b>').waitFor();
		await expect(messages(petr).locator('b').count()).resolves.toBe(0);
		await screenshot(petr, 'conferencing-three-frames-tablet');
	});

	it("keeps the customer's work through a real network cut and an offline reload, and delivers it when the network returns", async () => {
		// The service worker must hold the app shell before the network goes.
		await anna.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 20_000 });
		customerLink.cut();
		await anna.getByRole('status').getByText('Offline: changes are kept on this device').waitFor({ timeout: 15_000 });

		await send(anna, 'Written while the hall network is down');
		await myMessage(anna, 'Written while the hall network is down').getByText('Kept on this device').waitFor();

		await anna.reload();
		await messages(anna).getByText('Written while the hall network is down').waitFor({ timeout: 15_000 });
		await messages(anna).getByText('which wire do you use?').waitFor();
		await myMessage(anna, 'Written while the hall network is down').getByText('Kept on this device').waitFor();
		await anna.getByRole('status').getByText('Offline: changes are kept on this device').waitFor();
		await anna.getByRole('link', { name: /Wire breaks during roughing/ }).waitFor();
		await screenshot(anna, 'conferencing-offline-tablet');
		await expect(messages(petr).getByText('Written while the hall network is down').count()).resolves.toBe(0);

		customerLink.heal();
		await anna.getByRole('status').getByText('Online', { exact: true }).waitFor({ timeout: 30_000 });
		await myMessage(anna, 'Written while the hall network is down').getByText('Reached the relay').waitFor({ timeout: 15_000 });
		await messages(petr).getByText('Written while the hall network is down').waitFor({ timeout: 15_000 });
	});

	it('shows a customer of another organisation neither the conversation nor its content', async () => {
		const jan = await person('jan');
		await jan.getByText('No conversations yet').waitFor();
		await jan.goto(`${running.app.url}${conversationPath}`);
		await jan.getByRole('alert').getByText('This conversation is not available').waitFor({ timeout: 15_000 });
		await expect(jan.getByText('which wire do you use?').count()).resolves.toBe(0);
		await expect(jan.getByText('Wire breaks during roughing').count()).resolves.toBe(0);
	});

	it('lets a member add a colleague of the customer to the open conversation', async () => {
		const details = petr.getByRole('region', { name: 'Details' });
		await details.getByRole('button', { name: 'Add people' }).click();
		const dialog = petr.getByRole('dialog', { name: 'Add people to this conversation' });
		await expect(dialog.getByRole('checkbox', { name: 'Anna Horáková' }).count()).resolves.toBe(0); // already in
		await expect(dialog.getByRole('checkbox', { name: 'Jan Svoboda' }).count()).resolves.toBe(0); // another company
		await dialog.getByRole('checkbox', { name: 'Tomáš Marek' }).check();
		await dialog.getByRole('button', { name: 'Add', exact: true }).click();
		await messages(petr).getByText('Petr Novák added Tomáš Marek').waitFor();
		await details.getByText('Tomáš Marek').waitFor();

		const tomas = await person('tomas');
		await tomas.getByRole('link', { name: /Wire breaks during roughing/ }).click();
		await messages(tomas).getByText('Written while the hall network is down').waitFor();
	});

	it('shows one frame at a time on a phone, with the way back and to Details', async () => {
		const phone = await person('petr', { viewport: 'phone' });
		await screenshot(phone, 'conferencing-list-phone');
		await phone.getByRole('link', { name: /Wire breaks during roughing/ }).click();
		await messages(phone).getByText('Written while the hall network is down').waitFor();
		await expect(phone.getByRole('button', { name: 'New conversation' }).isVisible()).resolves.toBe(false);
		await screenshot(phone, 'conferencing-messages-phone');
		await phone.getByRole('button', { name: 'Details' }).click();
		await phone.getByRole('region', { name: 'Details' }).getByText('SC-1042').waitFor();
		await expect(messages(phone).isVisible()).resolves.toBe(false);
		await screenshot(phone, 'conferencing-details-phone');
		await phone.getByRole('link', { name: 'Back to conversations' }).click();
		await phone.getByRole('button', { name: 'New conversation' }).waitFor();
	});

	it('shows the Czech labels to a Czech browser', async () => {
		const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'cs-CZ' });
		contexts.push(context);
		const page = await context.newPage();
		await page.goto(`${running.app.url}/login`);
		await page.getByLabel('Uživatelské jméno').fill('anna');
		await page.getByLabel('Heslo').fill('demo');
		await page.getByRole('button', { name: 'Přihlásit se' }).click();
		await page.getByRole('navigation', { name: 'Konference' }).waitFor();
		await page.getByRole('button', { name: 'Přímý chat' }).waitFor();
		await page.getByRole('button', { name: 'Chat servisního případu' }).waitFor();
		await page.getByRole('link', { name: /Wire breaks during roughing/ }).click();
		await page.getByRole('textbox', { name: 'Zpráva' }).waitFor();
		await page.getByRole('button', { name: 'Odeslat' }).waitFor();
		const details = page.getByRole('region', { name: 'Podrobnosti' });
		await details.getByRole('heading', { name: 'Tabule' }).waitFor();
		await details.getByRole('heading', { name: 'Soubory' }).waitFor();
		await page.getByRole('button', { name: 'Nová konverzace' }).click();
		const dialog = page.getByRole('dialog', { name: 'Nová konverzace' });
		await dialog.getByLabel('Servisní případ', { exact: true }).waitFor();
		await dialog.getByRole('button', { name: 'Vytvořit konverzaci' }).waitFor();
		await screenshot(page, 'conferencing-new-conversation-cs-tablet');
	});

	it('shows the German labels to a German browser, and switches language in the app', async () => {
		const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'de-DE' });
		contexts.push(context);
		const page = await context.newPage();
		await page.goto(`${running.app.url}/login`);
		await page.getByLabel('Benutzername').fill('anna');
		await page.getByLabel('Passwort').fill('demo');
		await page.getByRole('button', { name: 'Anmelden' }).click();
		await page.getByRole('navigation', { name: 'Konferenz' }).waitFor();
		await page.getByRole('button', { name: 'Direkter Chat' }).waitFor();
		await page.getByRole('button', { name: 'Servicefall-Chat' }).waitFor();
		await page.getByRole('link', { name: /Wire breaks during roughing/ }).click();
		await page.getByRole('textbox', { name: 'Nachricht' }).waitFor();
		await page.getByRole('button', { name: 'Senden' }).waitFor();
		await page.getByRole('button', { name: 'Videokonferenz' }).waitFor();
		await page.getByRole('button', { name: 'Teilen' }).click();
		await page.getByRole('menuitem', { name: 'Whiteboard-Sitzung' }).waitFor();
		await page.getByRole('menuitem', { name: 'Neue Datei hochladen' }).waitFor();
		await page.keyboard.press('Escape');
		const details = page.getByRole('region', { name: 'Details' });
		await details.getByRole('heading', { name: 'Whiteboards' }).waitFor();
		await details.getByRole('heading', { name: 'Dateien' }).waitFor();
		await page.getByRole('button', { name: 'Neue Unterhaltung' }).click();
		const dialog = page.getByRole('dialog', { name: 'Neue Unterhaltung' });
		await dialog.getByLabel('Servicefall', { exact: true }).waitFor();
		await dialog.getByRole('button', { name: 'Unterhaltung erstellen' }).waitFor();
		await screenshot(page, 'conferencing-new-conversation-de-tablet');
		await dialog.getByRole('button', { name: 'Abbrechen' }).click();

		// The choice is the person's: English from the switch, then German again, remembered over a reload.
		await page.getByLabel('Sprache').selectOption('en');
		await page.getByRole('navigation', { name: 'Conferencing' }).waitFor();
		await page.getByLabel('Language').selectOption('de');
		await page.reload();
		await page.getByRole('textbox', { name: 'Nachricht' }).waitFor();
		await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('de');
	});
});
