// `npm start` on a clone where the relay was never compiled: its build step compiles build-relay/, the relay runs
// from it with plain node, alone in its process, and answers /health and the app; `npm run admin` talks to it, and
// its report command loads the report's renderer only then; an unchanged second start compiles nothing, and an
// edited source is compiled again. Runs in a scratch copy of the tree (node_modules linked), so the compiled relay
// the other tests share is not touched.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/relay.ts';

const COMPILING = 'Compiling the relay';
let clone: string;
const dataDir = () => join(clone, 'data');

beforeAll(() => {
	clone = mkdtempSync(join(tmpdir(), 'caseroom-clone-'));
	for (const path of ['package.json', 'package-lock.json', 'scripts', 'sync-server', 'src']) cpSync(join(ROOT, path), join(clone, path), { recursive: true });
	symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
	// A built app newer than its sources, so the step under test is the relay's (the app's takes a minute).
	mkdirSync(join(clone, 'build'));
	writeFileSync(join(clone, 'build', 'index.html'), '<!doctype html><title>Caseroom (stand-in build)</title>');
});
afterAll(() => rmSync(clone, { recursive: true, force: true }));

/** `npm start` in the clone, port 0; resolves once /health answers, with everything it printed. */
async function npmStart(): Promise<{ url: string; pid: number; output: () => string; stop(): Promise<void> }> {
	const { SKIP_BUILD: _, ...env } = process.env;
	const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
		cwd: clone,
		env: { ...env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir(), STATIC_DIR: join(clone, 'build') },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const deadline = Date.now() + 20_000;
	let url: string | undefined;
	while (!(url = /Caseroom relay on (\S+)/.exec(output)?.[1])) {
		if (child.exitCode !== null || Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`npm start did not start the relay:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 25));
	}
	return {
		url,
		pid: child.pid!,
		output: () => output,
		async stop() {
			child.kill('SIGTERM');
			await exited;
		}
	};
}

function npmRunAdmin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, ['scripts/run-relay.mjs', 'admin', ...args], { cwd: clone, env: { ...process.env, DATA_DIR: dataDir() } }, (err, stdout, stderr) =>
			resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
		);
	});
}

describe('npm start on a fresh clone', () => {
	it('compiles the relay, runs it with plain node, and it answers /health, the app and the admin command', async () => {
		expect(existsSync(join(clone, 'build-relay'))).toBe(false);
		const relay = await npmStart();
		try {
			expect(relay.output()).toContain(COMPILING);
			expect(existsSync(join(clone, 'build-relay', 'main.js'))).toBe(true);
			// One process: the compiler's service is gone once the relay runs.
			expect(readFileSync(`/proc/${relay.pid}/task/${relay.pid}/children`, 'utf8').trim()).toBe('');
			const health = await fetch(`${relay.url}/health`);
			expect(health.status).toBe(200);
			expect(await health.json()).toMatchObject({ ok: true, version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version });
			expect(await (await fetch(`${relay.url}/`)).text()).toContain('stand-in build');
			const login = await fetch(`${relay.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'petr', password: 'demo' }) });
			expect(login.status).toBe(200);
			// The admin command, compiled with the relay, reaches the running relay over its socket.
			const list = await npmRunAdmin('list');
			expect(list.stdout).toMatch(/petr\s+Petr Novák/);
			expect(list.stderr).not.toContain(COMPILING);
			// The report's renderer (a native addon) is loaded by the first report command, not at start.
			const renderer = () => /resvg/.test(readFileSync(`/proc/${relay.pid}/maps`, 'utf8'));
			expect(renderer()).toBe(false);
			const report = await npmRunAdmin('report', 'no-such-conversation', '--out', join(clone, 'report.zip'));
			expect(report.stderr).toContain('There is no conversation no-such-conversation on this relay.');
			expect(renderer()).toBe(true);
		} finally {
			await relay.stop();
		}
	});

	it('compiles nothing on an unchanged start, and compiles an edited source again', async () => {
		const unchanged = await npmStart();
		await unchanged.stop();
		expect(unchanged.output()).not.toContain(COMPILING);

		appendFileSync(join(clone, 'sync-server', 'main.ts'), "\nconsole.log('This relay was edited.');\n");
		const edited = await npmStart();
		try {
			expect(edited.output()).toContain(COMPILING);
			expect((await fetch(`${edited.url}/health`)).status).toBe(200);
			expect(edited.output()).toContain('This relay was edited.');
		} finally {
			await edited.stop();
		}
	});
});
