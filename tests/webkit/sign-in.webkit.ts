// Signing in on an iPad: the same first minute as tests/e2e/sign-in.e2e.ts, in WebKit (Safari's engine).
import { describe, expect, it } from 'vitest';
import { useAppAndWebKit } from './harness';

const running = useAppAndWebKit();

describe('signing in, in WebKit', () => {
	it('signs a demo user in and stays signed in across a reload', async () => {
		const page = await running.webkit.newSession();
		await page.goto(`${running.app.url}/login`);
		await page.fill('Username', 'petr');
		await page.fill('Password', 'demo');
		await page.click('button', 'Sign in');
		await page.waitForPath('/conferencing');
		await page.byRole('navigation', 'Conferencing');
		await page.waitForText('Signed in as Petr Novák');
		// The relay connection (WebSocket /sync) and the person's own IndexedDB work in WebKit too.
		const status = await page.byRole('status');
		await page.waitForText(/^Online$/m, { within: status, timeout: 15_000 });
		await page.screenshot('webkit-signed-in-tablet');

		await page.reload();
		await page.waitForPath('/conferencing');
		await page.byRole('navigation', 'Conferencing');
		await page.waitForText('Signed in as Petr Novák');
		await page.waitForText(/^Online$/m, { within: await page.byRole('status'), timeout: 15_000 });
		const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
		expect(databases).toContain('caseroom-petr');
		await page.close();
	});

	it('says clearly when the password is wrong', async () => {
		const page = await running.webkit.newSession();
		await page.goto(`${running.app.url}/login`);
		await page.fill('Username', 'petr');
		await page.fill('Password', 'not-his-password');
		await page.click('button', 'Sign in');
		const alert = await page.byRole('alert');
		await expect(alert.getText()).resolves.toBe('Wrong username or password.');
		expect((await page.url()).pathname).toBe('/login');
		await page.screenshot('webkit-wrong-password-tablet');
		await page.close();
	});
});
