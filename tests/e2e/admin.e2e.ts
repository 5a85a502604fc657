// The admin page as an administrator uses it: from the main navigation (which only administrators see), import a
// service case from a case system's CSV and see it listed, disable Anna while she is signed in on her phone and
// watch her app lose its sync and ask her to sign in again, then find both actions in the audit log. The page fits a
// phone, and says so when the network is gone.
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, useAppAndBrowser, viewports } from './harness';
import { signedInPage } from './steps';

const running = useAppAndBrowser();
const pages: Page[] = [];
afterAll(async () => {
	await Promise.all(pages.map((p) => p.context().close()));
});

const CSV = 'number,title,org,status\nSC-3001,CUT E 350 – flushing pressure low,Acme Precision s.r.o.,open\n';

describe('the admin page', () => {
	it('imports a case, disables a signed-in person who is cut off at once, and logs both', async () => {
		const anna = await signedInPage(running.browser, running.app.url, 'anna', 'phone');
		pages.push(anna);
		await expect(anna.getByRole('link', { name: 'Administration' }).count()).resolves.toBe(0);

		const admin = await signedInPage(running.browser, running.app.url, 'admin');
		pages.push(admin);
		await admin.getByRole('navigation', { name: 'Conferencing' }).getByRole('link', { name: 'Administration' }).click();
		await admin.waitForURL(/\/admin$/);

		// Import by CSV, keyboard only from the tab list: the arrow key moves to the next section.
		await admin.getByRole('tab', { name: 'Organisations' }).click();
		await admin.keyboard.press('ArrowRight');
		await expect(admin.getByRole('tab', { name: 'Service cases' }).getAttribute('aria-selected')).resolves.toBe('true');
		await admin.getByLabel('CSV or JSON file').setInputFiles({ name: 'cases.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
		await admin.getByRole('button', { name: 'Import', exact: true }).click();
		await admin.getByRole('status').getByText('Imported cases.csv: 1 added, 0 updated, 0 unchanged.').waitFor();
		const listed = admin.getByRole('tabpanel').getByRole('listitem').filter({ hasText: 'SC-3001' });
		await listed.getByText('CUT E 350 – flushing pressure low').waitFor();
		await screenshot(admin, 'admin-cases-tablet');

		// Disable Anna: her phone's sync is closed by the relay, and her app asks her to sign in again.
		await admin.getByRole('tab', { name: 'People' }).click();
		const disabledAt = Date.now();
		await admin.getByRole('button', { name: 'Disable Anna Horáková' }).click();
		await admin.getByRole('status').getByText('Anna Horáková is disabled and was signed out everywhere.').waitFor();
		await anna.getByRole('button', { name: 'Sign in again' }).waitFor({ timeout: 15_000 });
		await expect(anna.getByRole('status').first().textContent()).resolves.toMatch(/sign in again to sync/);
		console.log(`Anna's app asked her to sign in again ${Date.now() - disabledAt} ms after the administrator pressed Disable`);
		await admin.getByRole('button', { name: 'Enable Anna Horáková' }).waitFor();

		await admin.getByRole('tab', { name: 'Audit log' }).click();
		const log = admin.getByRole('tabpanel').getByRole('table');
		const rows = log.getByRole('row');
		await rows.filter({ hasText: 'disabled anna' }).filter({ hasText: 'Alena Správcová' }).waitFor();
		await rows.filter({ hasText: 'imported service cases from cases.csv' }).filter({ hasText: '1 added, 0 updated, 0 unchanged' }).waitFor();
		// Newest first: the disable comes before the import.
		await expect(rows.nth(1).textContent()).resolves.toMatch(/disabled anna/);

		// On a phone the page fits the width; offline, it says it needs the network.
		await admin.setViewportSize(viewports.phone);
		await expect(admin.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(viewports.phone.width);
		await screenshot(admin, 'admin-audit-phone');
		await admin.getByRole('tab', { name: 'People' }).click();
		await admin.context().setOffline(true);
		await admin.getByRole('alert').getByText(/You are offline. The admin page works only with a connection/).waitFor();
		await expect(admin.getByRole('button', { name: 'Enable Anna Horáková' }).isDisabled()).resolves.toBe(true);
		await screenshot(admin, 'admin-people-offline-phone');
	});
});
