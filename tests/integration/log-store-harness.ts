// Runs log-store-child.ts (a writer in its own process) for the log store's kill -9 and full-disk tests, and keeps
// what it printed: which changes the store acknowledged, which it refused, and when compaction was held.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildPlan } from './log-store-child.ts';

const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'log-store-child.ts');

export interface WriterChild {
	process: ChildProcess;
	/** Per document, the numbers whose change the store acknowledged. */
	acks: Map<string, number[]>;
	/** Error codes of refused appends, in order. */
	failures: string[];
	/** Resolves with the first line (printed so far or later) that matches. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
	send(command: 'go' | 'stop' | 'close'): void;
	/** SIGKILL, and every line it printed read. */
	kill(): Promise<void>;
	stderr(): string;
}

/** `wrapper` runs before node (e.g. unshare with a tmpfs mount). */
export function spawnWriter(plan: ChildPlan, wrapper: string[] = []): WriterChild {
	const command = [...wrapper, process.execPath, '--import', 'tsx', CHILD, JSON.stringify(plan)];
	const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
	const acks = new Map<string, number[]>();
	const failures: string[] = [];
	const lines: string[] = [];
	const waiters = new Set<{ pattern: RegExp; resolve(line: string): void }>();
	let stdout = '';
	let stderr = '';
	const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	child.stdout!.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
		const complete = stdout.split('\n');
		stdout = complete.pop()!;
		for (const line of complete) {
			lines.push(line);
			const [kind, id, n, code] = line.split(' ');
			if (kind === 'ack') acks.set(id!, [...(acks.get(id!) ?? []), Number(n)]);
			if (kind === 'fail') failures.push(code!);
			for (const waiter of [...waiters]) if (waiter.pattern.test(line)) waiter.resolve(line);
		}
	});
	return {
		process: child,
		acks,
		failures,
		waitFor(pattern, timeoutMs = 20_000) {
			return new Promise((resolve, reject) => {
				const seen = lines.find((line) => pattern.test(line));
				if (seen !== undefined) return resolve(seen);
				// Settling twice is harmless: whichever comes first wins.
				const finish = (line: string | undefined, error?: string) => {
					clearTimeout(timer);
					waiters.delete(waiter);
					if (line !== undefined) resolve(line);
					else reject(new Error(`${error}. The writer's errors: ${stderr || 'none'}`));
				};
				const timer = setTimeout(() => finish(undefined, `The writer printed nothing matching ${pattern} in ${timeoutMs} ms`), timeoutMs);
				const waiter = { pattern, resolve: (line: string) => finish(line) };
				waiters.add(waiter);
				void closed.then(() => finish(undefined, `The writer exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}`));
			});
		},
		send: (command) => void child.stdin!.write(`${command}\n`),
		async kill() {
			child.kill('SIGKILL');
			await closed;
		},
		stderr: () => stderr
	};
}
