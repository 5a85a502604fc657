// Starts the product as `npm start` does (one Node process, temp DATA_DIR, a free port) and a real Chromium.
// The relay logs at debug level; when it stops, every line it wrote is checked (tests/helpers/relay-log.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { completeLines, expectCleanLog } from '../helpers/relay-log.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export interface RunningApp {
	url: string;
	dataDir: string;
	process: ChildProcess;
	/** Stops the relay (SIGTERM) and starts it again on the same port and DATA_DIR once `whileDown` resolves. */
	restart(whileDown?: () => Promise<void>): Promise<void>;
	/** Stops the relay and checks its log: JSON lines, nothing token-shaped in them. */
	stop(): Promise<void>;
}

export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), 'caseroom-e2e-'));
	const url = `http://127.0.0.1:${port}`;
	const logged: string[] = [];
	const launch = () => spawnRelay(url, { ...process.env, SKIP_BUILD: '1', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'debug', ...env }, logged);
	let child = await launch();
	const app: RunningApp = {
		url,
		dataDir,
		process: child,
		async restart(whileDown) {
			await terminate(child);
			await whileDown?.();
			app.process = child = await launch();
		},
		async stop() {
			await terminate(child);
			rmSync(dataDir, { recursive: true, force: true });
			expectCleanLog(logged.flatMap(completeLines));
		}
	};
	return app;
}

/** Runs scripts/start.mjs (what `npm start` runs) and waits until it answers /health; its standard output goes to `logged` once it exits. */
async function spawnRelay(url: string, env: NodeJS.ProcessEnv, logged: string[]): Promise<ChildProcess> {
	const child = spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	let stdout = '';
	child.stdout?.on('data', (d) => {
		output += d;
		stdout += d;
	});
	// 'close': after the last of its output.
	child.once('close', () => logged.push(stdout));
	child.stderr?.on('data', (d) => (output += d));
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`The relay exited (${child.exitCode}):\n${output}`);
		try {
			if ((await fetch(`${url}/health`)).ok) return child;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`The relay did not answer /health in 30 s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function terminate(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('close', r));
	child.kill('SIGTERM');
	await exited;
}

/**
 * For a test file: the app (as `npm start` runs it) and Chromium, started before its tests and stopped after.
 * `askForMedia`: camera and microphone are not granted by themselves; a test grants or refuses them per context.
 */
export function useAppAndBrowser(options: { askForMedia?: boolean } = {}): { readonly app: RunningApp; readonly browser: Browser } {
	let app: RunningApp | undefined;
	let browser: Browser | undefined;
	beforeAll(async () => {
		app = await startApp();
		browser = await launchChromium(options);
	});
	afterAll(async () => {
		await browser?.close();
		await app?.stop();
	});
	return {
		get app() {
			return app!;
		},
		get browser() {
			return browser!;
		}
	};
}

export async function launchChromium(options: { askForMedia?: boolean } = {}): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--use-fake-device-for-media-stream',
			// Accepts every camera and microphone request, even one the test refused in the site's permissions.
			...(options.askForMedia ? [] : ['--use-fake-ui-for-media-stream'])
		]
	});
}

/** A 10" tablet in landscape and a phone, the two layouts people use. */
export const viewports = {
	tablet: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 }
} satisfies Record<string, BrowserContextOptions['viewport']>;

export async function screenshot(page: Page, name: string) {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, url: string, username: string, password = 'demo') {
	await page.goto(`${url}/login`);
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

export function cleanup(...dirs: string[]) {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
