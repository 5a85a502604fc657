// The connection state a person sees in the header: online with the relay, offline (and their work kept) while the
// relay is gone, online again by itself when it returns; and a clear request to sign in again once the relay
// refuses their sign-in, which no amount of retrying fixes.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runAdmin } from '../helpers/relay';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';

const running = useAppAndBrowser();

const connectionText = (page: Page) => page.getByRole('status').textContent();

async function signedIn(username: string): Promise<Page> {
	const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'en-GB' });
	const page = await context.newPage();
	await signIn(page, running.app.url, username);
	await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
	return page;
}

describe('the connection state', () => {
	it('goes offline when the relay stops and back online by itself when it returns', async () => {
		const page = await signedIn('petr');
		// This person's own local database, apart from anyone else signing in on the same tablet.
		const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
		expect(databases).toContain('caseroom-petr');
		await running.app.restart(async () => {
			await page.getByRole('status').getByText('Offline: changes are kept on this device').waitFor({ timeout: 15_000 });
			await screenshot(page, 'connection-offline-tablet');
		});
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor({ timeout: 20_000 });
		await page.context().close();
	});

	it('asks a person whom the relay no longer accepts to sign in again', async () => {
		const page = await signedIn('tomas');
		const disabled = await runAdmin(running.app.dataDir, 'disable', 'tomas');
		expect(disabled.code).toBe(0);
		await page.getByRole('button', { name: 'Sign in again' }).waitFor({ timeout: 15_000 });
		await expect(connectionText(page)).resolves.toMatch(/sign in again to sync/);
		await screenshot(page, 'connection-sign-in-refused-tablet');
		await page.getByRole('button', { name: 'Sign in again' }).click();
		await page.waitForURL(`${running.app.url}/login`);
		await page.context().close();
	});
});
