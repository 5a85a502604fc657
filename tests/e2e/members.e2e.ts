// Removing a member through the UI: Petr (GFMS) removes Anna (the customer) in Details. Both apps say so, Anna's
// drops the conversation from her list, and what Petr writes afterwards never reaches her, not even after a reload.
// A customer is offered only Leave conversation, never Remove for someone else; Tomáš, in Czech, leaves one.
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, useAppAndBrowser } from './harness';
import { createCaseChat, messageLog, sendMessage, signedInPage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
afterAll(async () => {
	await Promise.all(pages.map((p) => p.context().close()));
});

describe('removing a member from a conversation', () => {
	it('takes Anna out at once: her app tells her, drops the conversation, and gets nothing Petr writes later', async () => {
		const petr = await signedInPage(running.browser, running.app.url, 'petr');
		pages.push(petr);
		const path = await createCaseChat(petr, 'Spindle vibration check', ['Anna Horáková']);
		await sendMessage(petr, 'Anna, please send the vibration log.');

		const anna = await signedInPage(running.browser, running.app.url, 'anna');
		pages.push(anna);
		await anna.getByRole('link', { name: /Spindle vibration check/ }).click();
		await messageLog(anna).getByText('please send the vibration log').waitFor();
		// The customer may leave, but not remove the engineer.
		const annaDetails = anna.getByRole('region', { name: 'Details' });
		await annaDetails.getByRole('button', { name: 'Leave conversation' }).waitFor();
		await expect(annaDetails.getByRole('button', { name: 'Remove Petr Novák' }).count()).resolves.toBe(0);

		const details = petr.getByRole('region', { name: 'Details' });
		await details.getByRole('button', { name: 'Remove Anna Horáková' }).click();
		await messageLog(petr).getByText('Petr Novák removed Anna Horáková').waitFor();
		await expect(details.getByRole('list', { name: 'Members' }).getByText('Anna Horáková').count()).resolves.toBe(0);
		await screenshot(petr, 'members-removed-tablet');

		// Anna's app is told at once, on her own document (no polling): it asks the relay's list of her conversations.
		const removedAt = Date.now();
		await anna.getByRole('alert').getByText('You were removed from this conversation.').waitFor({ timeout: 5_000 });
		console.log(`Anna's app knew she was removed ${Date.now() - removedAt} ms after Petr's removal showed`);
		await expect(anna.getByRole('link', { name: /Spindle vibration check/ }).count()).resolves.toBe(0);
		await screenshot(anna, 'members-you-were-removed-tablet');

		await sendMessage(petr, 'Internal: the spindle bearing order is confirmed.');
		await anna.waitForTimeout(2000);
		await expect(anna.getByText('spindle bearing order').count()).resolves.toBe(0);
		// Not after a reload either: her device keeps what she had, the relay sends her nothing new.
		await anna.goto(`${running.app.url}${path}`);
		await anna.getByRole('alert').getByText('You were removed from this conversation.').waitFor({ timeout: 15_000 });
		await anna.waitForTimeout(1000);
		await expect(anna.getByText('spindle bearing order').count()).resolves.toBe(0);
		await expect(anna.getByRole('link', { name: /Spindle vibration check/ }).count()).resolves.toBe(0);
	}, 120_000);

	it('lets a customer leave, in Czech: Petr sees "Tomáš Marek left" and Tomáš no longer has the conversation', async () => {
		const petr = pages[0]!;
		await createCaseChat(petr, 'Generator alarm follow-up', ['Tomáš Marek']);
		await sendMessage(petr, 'Tomáš, the alarm log is attached to the case.');

		const tomas = await signedInPage(running.browser, running.app.url, 'tomas');
		pages.push(tomas);
		await tomas.getByRole('link', { name: /Generator alarm follow-up/ }).click();
		await messageLog(tomas).getByText('the alarm log is attached').waitFor();
		await tomas.getByLabel('Language').selectOption('cs');
		const details = tomas.getByRole('region', { name: 'Podrobnosti' });
		await expect(details.getByRole('button', { name: 'Odebrat Petr Novák' }).count()).resolves.toBe(0);
		tomas.once('dialog', (dialog) => void dialog.accept());
		await details.getByRole('button', { name: 'Opustit konverzaci' }).click();
		await tomas.waitForURL(/\/conferencing$/);
		await expect(tomas.getByRole('link', { name: /Generator alarm follow-up/ }).count()).resolves.toBe(0);

		await messageLog(petr).getByText('Tomáš Marek left').waitFor();
		await expect(petr.getByRole('region', { name: 'Details' }).getByRole('list', { name: 'Members' }).getByText('Tomáš Marek').count()).resolves.toBe(0);
		await sendMessage(petr, 'Noted, closing the alarm on our side.');
		await tomas.waitForTimeout(1500);
		await expect(tomas.getByText('closing the alarm').count()).resolves.toBe(0);
	}, 90_000);
});
