// A newcomer's first minute: the app loads from the relay, a demo user signs in, and stays signed in.
import { describe, expect, it } from 'vitest';
import { screenshot, signIn, useAppAndBrowser, viewports } from './harness';

const running = useAppAndBrowser();

describe('signing in', () => {
	it('signs a demo user in, survives a reload, and signs out', async () => {
		const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'en-GB' });
		const page = await context.newPage();
		await signIn(page, running.app.url, 'anna');
		await page.waitForURL(`${running.app.url}/conferencing`);
		await expect(page.getByRole('navigation', { name: 'Conferencing' }).isVisible()).resolves.toBe(true);
		await page.getByText('Signed in as Anna Horáková (Acme Precision s.r.o.)').waitFor();
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
		await screenshot(page, 'signed-in-tablet');
		await page.setViewportSize(viewports.phone);
		await screenshot(page, 'signed-in-phone');

		await page.reload();
		await page.getByText('Signed in as Anna Horáková').waitFor();

		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(`${running.app.url}/login`);
		await context.close();
	});

	it('says clearly when the password is wrong', async () => {
		const context = await running.browser.newContext({ viewport: viewports.phone, locale: 'en-GB' });
		const page = await context.newPage();
		await signIn(page, running.app.url, 'anna', 'not-her-password');
		await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong username or password.');
		expect(new URL(page.url()).pathname).toBe('/login');
		await screenshot(page, 'wrong-password-phone');
		await context.close();
	});

	it('shows the Czech labels to a Czech browser', async () => {
		const context = await running.browser.newContext({ viewport: viewports.tablet, locale: 'cs-CZ' });
		const page = await context.newPage();
		await page.goto(`${running.app.url}/login`);
		await page.getByLabel('Uživatelské jméno').fill('petr');
		await page.getByLabel('Heslo').fill('demo');
		await screenshot(page, 'login-cs-tablet');
		await page.getByRole('button', { name: 'Přihlásit se' }).click();
		await page.getByRole('navigation', { name: 'Konference' }).waitFor();
		await context.close();
	});
});
