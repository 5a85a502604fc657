// WebKit, Safari's engine, for the tests that iPads must pass too: Debian's WebKitWebDriver under a throw-away X
// server (xvfb-run), driving WebKitGTK's MiniBrowser, through selenium-webdriver. The app is started exactly as
// the Chromium tests start it (tests/e2e/harness.ts). WebKitGTK's WebRTC is off, so calls and peer-to-peer files
// stay Chromium-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, type WebDriver, type WebElement } from 'selenium-webdriver';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort, SCREENSHOTS, startApp, type RunningApp } from '../e2e/harness';

/** WebKitGTK's MiniBrowser: $WEBKIT_MINIBROWSER, else wherever libwebkit2gtk put it (…/webkit2gtk-4.1/MiniBrowser). */
export function findMiniBrowser(): string {
	const fromEnv = process.env.WEBKIT_MINIBROWSER;
	if (fromEnv) return fromEnv;
	const roots = ['/usr/lib', '/usr/libexec', '/usr/local/lib', '/usr/local/libexec'];
	for (const root of [...roots]) {
		// Debian's multiarch directories: /usr/lib/x86_64-linux-gnu, /usr/lib/aarch64-linux-gnu, …
		for (const entry of safeReaddir(root)) if (entry.endsWith('-linux-gnu')) roots.push(join(root, entry));
	}
	// Newest API first: webkitgtk-6.0, then webkit2gtk-4.1, then webkit2gtk-4.0.
	const candidates = roots
		.flatMap((root) => safeReaddir(root).filter((d) => /^webkit(2)?gtk-/.test(d)).map((d) => join(root, d, 'MiniBrowser')))
		.filter((path) => existsSync(path))
		.sort()
		.reverse();
	if (!candidates[0]) {
		throw new Error('WebKitGTK\'s MiniBrowser was not found; install webkit2gtk-driver (Debian), or set WEBKIT_MINIBROWSER');
	}
	return candidates[0];
}

function safeReaddir(dir: string): string[] {
	try {
		return readdirSync(dir);
	} catch {
		return [];
	}
}

export interface WebKitDriver {
	/** http://127.0.0.1:<port> of WebKitWebDriver. */
	url: string;
	/** A new MiniBrowser window (its own session: nothing shared with other sessions but the X server). */
	newSession(): Promise<WebKitPage>;
	/** The sessions still open. */
	readonly pages: readonly WebKitPage[];
	/** Ends every session, then the driver, the browsers and the X server (the whole process group). */
	stop(): Promise<void>;
}

/** Starts `xvfb-run -a WebKitWebDriver --port=N` in its own process group and waits until it is ready. */
export async function startWebKitDriver(): Promise<WebKitDriver> {
	const miniBrowser = findMiniBrowser();
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	// Our own X authority file: xvfb-run then makes no temporary directory that a killed xvfb-run would leave behind.
	const dir = mkdtempSync(join(tmpdir(), 'caseroom-webkit-'));
	const child = spawn('xvfb-run', ['-a', '-f', join(dir, 'Xauthority'), 'WebKitWebDriver', `--port=${port}`], {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: englishEnv()
	});
	let output = '';
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	const killGroup = () => {
		try {
			if (child.pid) process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	};
	// If this test process dies first (a crash, Ctrl-C), take the X server and browsers along.
	process.once('exit', killGroup);

	const sessions = new Set<WebKitPage>();
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			rmSync(dir, { recursive: true, force: true });
			throw new Error(`WebKitWebDriver exited (${child.exitCode}):\n${output}`);
		}
		try {
			const status = (await (await fetch(`${url}/status`)).json()) as { value?: { ready?: boolean } };
			if (status.value?.ready) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) {
			await stopGroup(child);
			rmSync(dir, { recursive: true, force: true });
			throw new Error(`WebKitWebDriver did not answer /status in 30 s:\n${output}`);
		}
		await sleep(100);
	}

	return {
		url,
		async newSession() {
			const driver = await new Builder()
				.usingServer(url)
				.withCapabilities({
					browserName: 'MiniBrowser',
					'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] }
				})
				.build();
			const page: WebKitPage = new WebKitPage(driver, () => sessions.delete(page));
			sessions.add(page);
			await driver.manage().window().setRect({ width: 1280, height: 800 });
			return page;
		},
		get pages() {
			return [...sessions];
		},
		async stop() {
			await Promise.all([...sessions].map((page) => page.close()));
			sessions.clear();
			await stopGroup(child);
			process.removeListener('exit', killGroup);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** navigator.language is en-GB whatever the machine's locale (WebKitGTK takes it from these variables). */
function englishEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'en_GB.UTF-8' };
	for (const name of ['LANGUAGE', 'LC_ALL', 'LC_MESSAGES']) delete env[name];
	return env;
}

/** SIGTERM to the whole process group (xvfb-run, Xvfb, the driver, the browsers), SIGKILL after 5 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
	const pgid = child.pid;
	if (!pgid) return;
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-pgid, sig);
		} catch {
			/* no process left in the group */
		}
	};
	signal('SIGTERM');
	const deadline = Date.now() + 5000;
	while (liveMembers(pgid).length > 0) {
		if (Date.now() > deadline) {
			signal('SIGKILL');
			break;
		}
		await sleep(50);
	}
	if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
}

/** Processes of this group that still run (a zombie whose parent died is not one: it holds nothing). */
function liveMembers(pgid: number): number[] {
	const live: number[] = [];
	for (const entry of safeReaddir('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ')'.
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live.push(Number(entry));
		} catch {
			/* exited meanwhile */
		}
	}
	return live;
}

/** For a test file: the app (as `npm start` runs it) and WebKitWebDriver, started before its tests and stopped after. */
export function useAppAndWebKit(env: Record<string, string> = {}): { readonly app: RunningApp; readonly webkit: WebKitDriver } {
	let app: RunningApp | undefined;
	let webkit: WebKitDriver | undefined;
	beforeAll(async () => {
		[app, webkit] = await Promise.all([startApp(env), startWebKitDriver()]);
	});
	// What the page showed when a test failed: test-results/screenshots/webkit-failed-<test>-<n>.png.
	afterEach(async (context) => {
		if (context.task.result?.state !== 'fail' || !webkit) return;
		const name = context.task.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
		await Promise.all(webkit.pages.map((page, n) => page.screenshot(`webkit-failed-${name}-${n}`, { settle: false }).catch(() => {})));
	});
	afterAll(async () => {
		await webkit?.stop();
		await app?.stop();
	});
	return {
		get app() {
			return app!;
		},
		get webkit() {
			return webkit!;
		}
	};
}

/** CSS for the elements that may have each ARIA role; the accessible name is then WebKit's own (computedlabel). */
const ROLE_CANDIDATES: Record<string, string> = {
	alert: '[role="alert"]',
	button: 'button, [role="button"], input[type="button"], input[type="submit"], input[type="reset"]',
	checkbox: 'input[type="checkbox"], [role="checkbox"]',
	combobox: 'select, [role="combobox"], input[list]',
	dialog: 'dialog, [role="dialog"], [role="alertdialog"]',
	heading: 'h1, h2, h3, h4, h5, h6, [role="heading"]',
	link: 'a[href], [role="link"]',
	navigation: 'nav, [role="navigation"]',
	region: 'section[aria-label], section[aria-labelledby], [role="region"]',
	status: '[role="status"], output',
	textbox: 'input:not([type]), input[type="text"], input[type="search"], input[type="email"], input[type="password"], textarea, [role="textbox"], [contenteditable="true"]'
};
const FORM_CONTROLS = 'input:not([type="hidden"]), select, textarea, [role="textbox"], [role="combobox"], [role="checkbox"], [contenteditable="true"]';

export interface WaitOptions {
	timeout?: number;
}

/** Text the element's visible text must contain (every one of them, for a list). */
export type HasText = string | RegExp | (string | RegExp)[];

export interface FindOptions extends WaitOptions {
	hasText?: HasText;
	/** Look inside this element only. */
	within?: WebElement;
}

/** One MiniBrowser session, with the few Playwright-like look-ups the tests need, by accessible name. */
export class WebKitPage {
	constructor(
		readonly driver: WebDriver,
		private readonly forget: () => void
	) {}

	async goto(url: string): Promise<void> {
		await this.driver.get(url);
	}

	async reload(): Promise<void> {
		await this.driver.navigate().refresh();
	}

	async url(): Promise<URL> {
		return new URL(await this.driver.getCurrentUrl());
	}

	/** Waits until the page's path is `pathname` (a string, or a pattern). */
	async waitForPath(pathname: string | RegExp, options: WaitOptions = {}): Promise<URL> {
		let last = '';
		return this.poll(() => `the path ${pathname} (at ${last})`, options, async () => {
			const url = await this.url();
			last = url.pathname;
			const match = typeof pathname === 'string' ? url.pathname === pathname : pathname.test(url.pathname);
			return match ? url : undefined;
		});
	}

	/** The visible form control whose accessible name (as WebKit computes it) is `name`. */
	async byLabel(name: string, options: FindOptions = {}): Promise<WebElement> {
		return this.poll(`a field labelled "${name}"`, options, () => this.find(FORM_CONTROLS, name, options));
	}

	/** The visible element of this role whose accessible name is `name` (any name if not given). */
	async byRole(role: string, name?: string | RegExp, options: FindOptions = {}): Promise<WebElement> {
		const css = ROLE_CANDIDATES[role] ?? `[role="${role}"]`;
		const what = `a ${role}${name === undefined ? '' : ` named "${name}"`}${describeText(options.hasText)}`;
		return this.poll(what, options, () => this.find(css, name, options));
	}

	/** The visible element matching `css` (and `hasText`), for what has no role of its own to find it by. */
	async byCss(css: string, options: FindOptions = {}): Promise<WebElement> {
		return this.poll(`${css}${describeText(options.hasText)}`, options, () => this.find(css, undefined, options));
	}

	async fill(label: string, value: string): Promise<void> {
		const field = await this.byLabel(label);
		await field.clear();
		await field.sendKeys(value);
	}

	async click(role: string, name: string | RegExp, options: FindOptions = {}): Promise<void> {
		await (await this.byRole(role, name, options)).click();
	}

	/** Chooses the option whose text is (or matches) `option` in the select labelled `label`. */
	async selectOption(label: string, option: string | RegExp, options: FindOptions = {}): Promise<void> {
		const select = await this.byLabel(label, options);
		const chosen = await this.poll(`the option "${option}" of "${label}"`, options, async () => {
			for (const candidate of await select.findElements(By.css('option'))) {
				const text = (await candidate.getText()).trim();
				if (typeof option === 'string' ? text === option : option.test(text)) return candidate;
			}
			return undefined;
		});
		await chosen.click();
	}

	/** Polls `attempt` until it gives something other than undefined or null. */
	async waitFor<T>(what: string, attempt: () => Promise<T | undefined | null>, options: WaitOptions = {}): Promise<T> {
		return this.poll(what, options, attempt);
	}

	/** Waits until the visible text of the page (or of `within`) contains `text`. */
	async waitForText(text: string | RegExp, options: WaitOptions & { within?: WebElement } = {}): Promise<string> {
		return this.poll(`the text "${text}"`, options, async () => {
			const body = options.within ?? (await this.driver.findElement(By.css('body')));
			const shown = await body.getText();
			return (typeof text === 'string' ? shown.includes(text) : text.test(shown)) ? shown : undefined;
		});
	}

	/** Runs `fn` in the page; a returned promise is awaited there (WebDriver's async script). */
	async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> {
		const script = `const done = arguments[arguments.length - 1];
			Promise.resolve((${fn.toString()}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
				.then((value) => done({ ok: true, value }), (error) => done({ ok: false, error: String(error && error.stack || error) }));`;
		const result = (await this.driver.executeAsyncScript(script, ...args)) as { ok: boolean; value?: T; error?: string };
		if (!result.ok) throw new Error(`In the page: ${result.error}`);
		return result.value as T;
	}

	async screenshot(name: string, options: { settle?: boolean } = {}): Promise<void> {
		// WebKitGTK's snapshot can lag the DOM by a frame or more under Xvfb: let it paint what the test saw.
		if (options.settle !== false) await this.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)))));
		mkdirSync(SCREENSHOTS, { recursive: true });
		writeFileSync(join(SCREENSHOTS, `${name}.png`), await this.driver.takeScreenshot(), 'base64');
	}

	async close(): Promise<void> {
		this.forget();
		await withTimeout(this.driver.quit(), 5000).catch(() => {});
	}

	private async find(css: string, name: string | RegExp | undefined, options: FindOptions): Promise<WebElement | undefined> {
		let elements: WebElement[];
		try {
			elements = await (options.within ?? this.driver).findElements(By.css(css));
		} catch {
			return undefined; // `within` went away: the caller's next look finds it anew
		}
		for (const element of elements) {
			try {
				if (name !== undefined) {
					const accessible = (await element.getAccessibleName()).trim();
					if (typeof name === 'string' ? accessible !== name : !name.test(accessible)) continue;
				}
				if (options.hasText !== undefined && !containsAll(await element.getText(), options.hasText)) continue;
				if (await element.isDisplayed()) return element;
			} catch {
				/* the element went away while we looked: look again on the next poll */
			}
		}
		return undefined;
	}

	private async poll<T>(what: string | (() => string), options: WaitOptions, attempt: () => Promise<T | undefined | null>): Promise<T> {
		const deadline = Date.now() + (options.timeout ?? 10_000);
		for (;;) {
			const found = await attempt();
			if (found !== undefined && found !== null) return found;
			if (Date.now() > deadline) throw new Error(`WebKit: timed out waiting for ${typeof what === 'string' ? what : what()}`);
			await sleep(50);
		}
	}
}

function containsAll(text: string, expected: HasText): boolean {
	return (Array.isArray(expected) ? expected : [expected]).every((e) => (typeof e === 'string' ? text.includes(e) : e.test(text)));
}

function describeText(expected: HasText | undefined): string {
	if (expected === undefined) return '';
	return ` with the text ${(Array.isArray(expected) ? expected : [expected]).map((e) => `"${e}"`).join(' and ')}`;
}

/** Signs in through the login page (demo password by default), as a person does. */
export async function signIn(page: WebKitPage, url: string, username: string, password = 'demo'): Promise<void> {
	await page.goto(`${url}/login`);
	await page.fill('Username', username);
	await page.fill('Password', password);
	await page.click('button', 'Sign in');
}

/** Creates a Service case chat on SC-1042 with one other person through the dialog; its document id. */
export async function createCaseChat(page: WebKitPage, title: string, person: string): Promise<string> {
	await page.click('button', 'New conversation');
	const dialog = await page.byRole('dialog', 'New conversation');
	await page.selectOption('Service case', /^SC-1042 /, { within: dialog });
	await page.click('checkbox', person, { within: dialog });
	await page.fill('Title (optional)', title);
	await page.click('button', 'Create Conversation', { within: dialog });
	return (await page.waitForPath(/^\/conferencing\/[1-9A-HJ-NP-Za-km-z]+$/)).pathname.split('/').pop()!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);
}
