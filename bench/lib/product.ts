// The product as `npm start` runs it (package.json's start script, one Node process) on a given DATA_DIR, port 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, stopChild } from './relays.ts';
import { sleep } from './stats.ts';

export interface RunningProduct {
	url: string;
	pid: number;
	/** From spawning the process to the first 200 from /health. */
	readyMs: number;
	stop(): Promise<void>;
}

export async function startProduct(dataDir: string): Promise<RunningProduct> {
	const started = performance.now();
	const child: ChildProcess = spawn(process.execPath, npmStartArgs(), {
		cwd: ROOT,
		// Its stale checks included (~10 ms: bench/run.ts built the app and the relay, so they find nothing to do).
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, STATIC_DIR: join(ROOT, 'build') },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const readyMs = await pollReady(child, () => /Caseroom relay on (\S+)/.exec(output)?.[1], () => output);
	const url = /Caseroom relay on (\S+)/.exec(output)![1]!;
	return { url, pid: child.pid!, readyMs: readyMs - started, stop: () => stopChild(child) };
}

/**
 * Hook for the relay's build step: what `npm start` runs after `node`, read from package.json, so the figures follow
 * the way the product starts (scripts/start.mjs: the stale checks, then the compiled relay in build-relay/). It is run with this Node as the benchmark's own child, so its pid is the relay's (for /proc):
 * a start script that is not `node <file>` is refused here with what to change.
 */
export function npmStartArgs(): string[] {
	const script: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
	const [command, ...args] = script.trim().split(/\s+/);
	if (command !== 'node' || args.length === 0 || args.some((a) => /[&|;<>$`]/.test(a)))
		throw new Error(`the bench starts the relay as \`npm start\` does and understands only "node <file>", but package.json's start script is "${script}": update npmStartArgs() in bench/lib/product.ts`);
	return args;
}

/** Polls `${base()}/health` (or `/` for the stock relay) every 10 ms; resolves with performance.now() of the first 200. */
export async function pollReady(child: ChildProcess, base: () => string | undefined, output: () => string, path = '/health'): Promise<number> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}):\n${output()}`);
		const url = base();
		if (url) {
			const ok = await fetch(`${url}${path}`).then((r) => r.ok, () => false);
			if (ok) return performance.now();
		}
		if (Date.now() > deadline) throw new Error(`not ready in 60 s:\n${output()}`);
		await sleep(10);
	}
}
