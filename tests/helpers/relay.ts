// Test helpers shared by every integration test: a real relay in-process on a free port with a temporary
// DATA_DIR, or as a child process (for kill -9) compiled as `npm start` runs it, plus small fetch wrappers for the
// JSON API. Either relay's log is checked when it stops (relay-log.ts): JSON lines, no token or password in them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeConfig, type Config } from '../../sync-server/config.ts';
import { createServer, type RelayDeps, type RelayServer } from '../../sync-server/server.ts';
import { collectingLog, completeLines, expectCleanLog, rememberSecret } from './relay-log.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export function tempDataDir(prefix = 'caseroom-test-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestRelay {
	url: string;
	/** ws:// (or wss://) base URL, e.g. `${wsUrl}/sync?token=…`. */
	wsUrl: string;
	dataDir: string;
	config: Config;
	server: RelayServer;
	/** Every line the relay logged so far (debug level), unless deps.log was given. */
	logLines: string[];
	/** Stops the relay and keeps DATA_DIR (to restart on it). */
	stop(): Promise<void>;
	/** Stops the relay and removes DATA_DIR if this helper created it. */
	close(): Promise<void>;
}

/**
 * Starts the relay in this process on 127.0.0.1, port 0. Its log lines are collected (not printed) unless deps.log is
 * given, and checked when it stops: a test whose relay logged a token or password fails.
 */
export async function startRelay(overrides: Partial<Config> = {}, deps: RelayDeps = {}): Promise<TestRelay> {
	const ownDir = overrides.dataDir === undefined;
	const dataDir = overrides.dataDir ?? tempDataDir();
	const config = makeConfig({ host: '127.0.0.1', port: 0, staticDir: join(ROOT, 'build'), ...overrides, dataDir });
	const collected = collectingLog();
	let server: RelayServer;
	try {
		server = await createServer(config, { log: collected.log, ...deps });
	} catch (err) {
		if (ownDir) rmSync(dataDir, { recursive: true, force: true });
		throw err;
	}
	const stop = async () => {
		await server.close();
		expectCleanLog(collected.lines);
	};
	return {
		url: server.url,
		wsUrl: server.url.replace(/^http/, 'ws'),
		dataDir,
		config,
		server,
		logLines: collected.lines,
		stop,
		async close() {
			await stop();
			if (ownDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

export interface ApiResponse<T = any> {
	status: number;
	body: T;
	headers: Headers;
}

/** Calls the JSON API; `body` is sent as JSON unless it is already a string. */
export async function api<T = any>(
	url: string,
	path: string,
	options: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}
): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token) {
		rememberSecret(options.token);
		headers.authorization = `Bearer ${options.token}`;
	}
	if (options.body !== undefined) headers['content-type'] ??= 'application/json';
	const response = await fetch(`${url}${path}`, {
		method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
		headers,
		body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		/* not JSON: keep the text */
	}
	return { status: response.status, body: body as T, headers: response.headers };
}

export interface LoginBody {
	token: string;
	expiresAt: number;
	user: { id: string; name: string; org: string; orgId: string; role: 'engineer' | 'customer'; username: string; personalDocumentId?: string };
}

/** Signs in (demo password by default) and returns the session; throws if the relay refuses. */
export async function login(url: string, username: string, password = 'demo'): Promise<LoginBody> {
	rememberSecret(password);
	const res = await api<LoginBody>(url, '/api/login', { body: { username, password } });
	if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
	rememberSecret(res.body.token);
	return res.body;
}

export interface ChildRelay {
	url: string;
	pid: number;
	process: ChildProcess;
	/** Everything the relay printed so far. */
	output(): string;
	/** Sends the signal and waits for the process to exit. */
	kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs the compiled relay (build-relay/main.js, built by the test run's global set-up, as `npm start` runs it) as
 * one child Node process, port 0, and waits for /health. `wrap` runs it through another command, which ends by
 * exec'ing the given arguments (see diskFullWrap).
 */
export async function spawnRelay(dataDir: string, env: Record<string, string> = {}, wrap: string[] = []): Promise<ChildRelay> {
	const [command, ...args] = [...wrap, process.execPath, 'build-relay/main.js'];
	const child = spawn(command!, args, {
		cwd: ROOT,
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, STATIC_DIR: join(ROOT, 'build'), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	let stdout = '';
	child.stdout!.on('data', (d) => {
		output += d;
		stdout += d;
	});
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	const deadline = Date.now() + 20_000;
	let url: string | undefined;
	while (!url) {
		url = /Caseroom relay on (\S+)/.exec(output)?.[1];
		if (child.exitCode !== null) throw new Error(`The relay exited (${child.exitCode}):\n${output}`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`The relay did not start in 20 s:\n${output}`);
		}
		if (!url) await new Promise((r) => setTimeout(r, 25));
	}
	const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
	if (!health?.ok) throw new Error(`The relay does not answer /health:\n${output}`);
	return {
		url,
		pid: child.pid!,
		process: child,
		output: () => output,
		async kill(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			await exited;
			// Wrapped (diskFullWrap), the wrapper may print first.
			if (wrap.length === 0) expectCleanLog(completeLines(stdout));
		}
	};
}

/** Runs the real admin command (`npm run admin -- …`: the compiled one, here without npm's start-up) against DATA_DIR. */
export function runAdmin(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return runAdminWith({ DATA_DIR: dataDir }, ...args);
}

/** The admin command with these environment variables besides the test's (DATA_DIR, DATABASE_URL, S3_*, …). */
export function runAdminWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolvePromise) => {
		execFile(
			process.execPath,
			['build-relay/admin.js', ...args],
			{ cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
			(err, stdout, stderr) => resolvePromise({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
		);
	});
}
