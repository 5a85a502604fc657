// A Redis server of the test's own, from the machine's `redis-server` (Debian's `redis-server` package, or REDIS_SERVER):
// started on a free port of 127.0.0.1 with its files in a temporary directory and nothing saved to disk, so it touches
// nothing of the machine's and needs no service running. One per test file (start in beforeAll, close in afterAll).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, processTreeCpuMs } from './local-server.ts';

export interface TestRedis {
	/** redis://127.0.0.1:<port> */
	url: string;
	port: number;
	/** Stops the server at once (SIGKILL: subscribers are cut as by a crash); start() brings it back on the same port. */
	stop(): Promise<void>;
	start(): Promise<void>;
	close(): Promise<void>;
	/** CPU time (user + system) the server has used so far, ms (benchmarks). */
	cpuMs(): number;
}

export async function startRedis(): Promise<TestRedis> {
	const binary = process.env.REDIS_SERVER ?? 'redis-server';
	const root = mkdtempSync(join(tmpdir(), 'caseroom-redis-'));
	const port = await freePort();
	let child: ChildProcess | undefined;
	const start = async () => {
		const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', root, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
		const started = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child = started;
		const failed = new Promise<never>((_, reject) => {
			started.once('error', (error) =>
				reject(new Error(`redis-server did not start (${error.message}): \`apt-get install redis-server\` (.ci/run does), or set REDIS_SERVER.`))
			);
			started.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr.slice(-2000)}`)));
		});
		await Promise.race([waitForPort(port), failed]);
	};
	const stop = async () => {
		const running = child;
		child = undefined;
		if (!running || running.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			running.once('exit', () => resolve());
			running.kill('SIGKILL');
		});
	};
	await start();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		stop,
		start,
		async close() {
			await stop();
			rmSync(root, { recursive: true, force: true });
		},
		cpuMs: () => (child?.pid ? processTreeCpuMs(child.pid) : 0)
	};
}

/** Resolves once something accepts connections on the port (tried every 20 ms for up to 10 s). */
async function waitForPort(port: number): Promise<void> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => (socket.destroy(), resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within 10 s`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
