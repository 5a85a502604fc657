// Debian's Chromium through playwright-core (as the e2e tests drive it), and signing in through the real form.
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}

export async function signInAs(page: Page, origin: string, username: string): Promise<void> {
	await page.goto(`${origin}/login`);
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill('demo');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${origin}/conferencing`);
}

/** POST /api/login; the session token. */
export async function loginToken(origin: string, username: string): Promise<string> {
	const res = await fetch(`${origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
	if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
	return ((await res.json()) as { token: string }).token;
}
