// Single sign-on in Chromium, as a customer's person meets it: the app (as `npm start` runs it) with two providers
// configured, real OpenID Providers (oidc-provider) for each, and one person's day: first sign-in by a group rule,
// an offline reload, an expired relay token renewed through the provider's session, sign-out, the provider's own
// session gone, then a stranger refused and a disabled person refused, each with the message they should see.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '../../sync-server/auth/tokens.ts';
import { runAdmin } from '../helpers/relay.ts';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.ts';
import { launchChromium, screenshot, startApp, viewports, type RunningApp } from './harness';

const SECRET = 'e2e-client-secret-0123456789';
let app: RunningApp;
let browser: Browser;
let acmeIdp: TestIdp;
let gfmsIdp: TestIdp;

beforeAll(async () => {
	// Browsers share cookies between the ports of one host: each provider and the app get a host of their own.
	acmeIdp = await startTestIdp({ lena: { email: 'lena@acme.example', name: 'Lena Veselá', groups: ['caseroom'] }, sam: { email: 'sam@elsewhere.example', name: 'Sam Stranger', groups: ['visitors'] } }, 'localhost');
	gfmsIdp = await startTestIdp({}, '127.0.0.2');
	const provider = (id: string, name: string, idp: TestIdp, rule: object) => ({ id, name, issuer: idp.issuer, clientId: 'caseroom', clientSecret: SECRET, scopes: ['openid', 'email', 'profile', 'groups'], rules: [rule] });
	app = await startApp({
		OIDC_PROVIDERS: JSON.stringify([
			provider('gfms', 'GFMS', gfmsIdp, { emailDomain: 'gfms.example', org: 'gfms', role: 'engineer' }),
			provider('acme', 'Acme Precision', acmeIdp, { claim: 'groups', value: 'caseroom', org: 'acme', role: 'customer' })
		])
	});
	for (const [idp, id] of [[gfmsIdp, 'gfms'], [acmeIdp, 'acme']] as const)
		idp.register({ clientId: 'caseroom', clientSecret: SECRET, redirectUris: [`${app.url}/api/auth/oidc/${id}/callback`] });
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
	await app?.stop();
	await acmeIdp?.close();
	await gfmsIdp?.close();
});

/** The provider's own (development) login form: the account is whoever types its id. */
async function atProvider(page: Page, account: string) {
	await page.locator('input[name="login"]').fill(account);
	await page.locator('input[name="password"]').fill('their password');
	await page.getByRole('button', { name: 'Sign-in' }).click();
}

describe('single sign-on', () => {
	it('signs a new person in by rule, renews an expired sign-in, signs out, and refuses a stranger and a disabled person', async () => {
		const context = await browser.newContext({ viewport: viewports.tablet, locale: 'en-GB' });
		const page = await context.newPage();
		const conferencing = `${app.url}/conferencing`;
		const acme = page.getByRole('button', { name: 'Sign in with Acme Precision', exact: true });
		await page.goto(`${app.url}/login`);
		await acme.waitFor();
		await page.getByRole('button', { name: 'Sign in with GFMS', exact: true }).waitFor();
		await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
		await screenshot(page, 'sso-sign-in-tablet');
		await page.setViewportSize(viewports.phone);
		await screenshot(page, 'sso-sign-in-phone');
		await page.setViewportSize(viewports.tablet);

		// First sign-in: the group rule lets Lena in as a customer of Acme Precision.
		await acme.click();
		await atProvider(page, 'lena');
		await page.waitForURL(conferencing);
		await page.getByText('Signed in as Lena Veselá (Acme Precision s.r.o.)').waitFor();
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
		const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('caseroom.session')!));
		expect(stored.user).toMatchObject({ name: 'Lena Veselá', orgId: 'acme', role: 'customer' });

		// The same stored session as a password's: an offline reload keeps her signed in.
		await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 30_000 });
		await context.setOffline(true);
		await page.reload();
		await page.getByText('Signed in as Lena Veselá').waitFor();
		await context.setOffline(false);

		// The relay's token expired (a real one, signed with the relay's key): "Sign in again" goes through the
		// provider, whose session still holds, so no password is asked.
		const key = readFileSync(join(app.dataDir, 'token-key'));
		const lookup = () => ({ tokenEpoch: 0, disabled: false });
		const expired = createTokens({ key, ttlHours: 1, lookup, now: () => Date.now() - 2 * 3600_000 }).issue(stored.user.id, 0).token;
		await page.evaluate((token) => {
			const session = JSON.parse(localStorage.getItem('caseroom.session')!);
			localStorage.setItem('caseroom.session', JSON.stringify({ ...session, token }));
		}, expired);
		await page.reload();
		await page.getByRole('button', { name: 'Sign in again' }).click();
		await page.waitForURL(`${app.url}/login`);
		await acme.click();
		await page.waitForURL(conferencing);
		await page.getByRole('status').getByText('Online', { exact: true }).waitFor();
		expect(await page.evaluate(() => JSON.parse(localStorage.getItem('caseroom.session')!).user.id)).toBe(stored.user.id);

		// Sign out; the provider's session is over too: its login form again, and the same person.
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(`${app.url}/login`);
		await context.clearCookies({ domain: 'localhost' });
		await acme.click();
		await atProvider(page, 'lena');
		await page.waitForURL(conferencing);
		await page.getByText('Signed in as Lena Veselá (Acme Precision s.r.o.)').waitFor();
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(`${app.url}/login`);

		// A stranger at the customer's provider: no rule lets him in, and the page says what to do.
		await page.setViewportSize(viewports.phone);
		await context.clearCookies({ domain: 'localhost' });
		await acme.click();
		await atProvider(page, 'sam');
		await expect(page.getByRole('alert').textContent()).resolves.toBe(
			'Your Acme Precision account may not use Caseroom yet: no sign-in rule includes it. Ask your Caseroom administrator to let you in.'
		);
		expect(page.url()).toBe(`${app.url}/login`);
		await screenshot(page, 'sso-refused-phone');

		// Lena, disabled by the administrator, is refused too.
		const disabled = await runAdmin(app.dataDir, 'disable', stored.user.username);
		expect(disabled.stdout).toContain('Disabled');
		await context.clearCookies({ domain: 'localhost' });
		await acme.click();
		await atProvider(page, 'lena');
		await expect(page.getByRole('alert').textContent()).resolves.toBe('This Caseroom account is disabled. Ask your Caseroom administrator.');

		// The buttons in Czech and German.
		await page.getByLabel('Language').selectOption('cs');
		await page.getByRole('button', { name: 'Přihlásit se přes Acme Precision', exact: true }).waitFor();
		await page.getByRole('button', { name: 'Přihlásit se', exact: true }).waitFor();
		await page.getByLabel('Jazyk').selectOption('de');
		await page.getByRole('button', { name: 'Anmelden mit GFMS', exact: true }).waitFor();
		await context.close();
	});
});
