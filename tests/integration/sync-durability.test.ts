// Acknowledged means durable: a change the client saw reach the relay (the relay's heads) survives kill -9 of the
// relay, even when the relay dies right after acknowledging it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { afterEach, expect, it } from 'vitest';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { ourClient, removeDir, shutdownAll, tempDir } from './sync-harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'sync-relay-child.ts');
const children: ChildProcess[] = [];
const clients: ClientRepo[] = [];
let dataDir = '';

afterEach(async () => {
	for (const child of children.splice(0)) child.kill('SIGKILL');
	await shutdownAll(clients.splice(0));
	if (dataDir) removeDir(dataDir);
});

/** Starts the relay child on DATA_DIR (and port, to come back where clients reconnect) once it listens. */
function startChild(dir: string, port = 0): Promise<{ port: number; child: ChildProcess }> {
	const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
	children.push(child);
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const listening = /listening (\d+)/.exec(out)?.[1];
			if (listening) resolve({ port: Number(listening), child });
		});
		child.on('exit', (code) => reject(new Error(`relay child exited (${code}) before listening`)));
	});
}

const killHard = (child: ChildProcess) =>
	new Promise<void>((resolve) => {
		child.once('exit', () => resolve());
		child.kill('SIGKILL');
	});

type Log = { entries: string[] };

it('keeps every acknowledged change through kill -9 right after the acknowledgement', async () => {
	dataDir = tempDir();
	let { port, child } = await startChild(dataDir);
	const url = `ws://127.0.0.1:${port}/sync`;
	const expected: string[] = [];
	let logUrl: AutomergeUrl | undefined;
	for (let round = 0; round < 3; round++) {
		// A fresh writer each round, with no storage: after it leaves, the relay's disk is the only copy.
		const petr = ourClient(url, 'petr');
		clients.push(petr);
		const log = logUrl ? await petr.repo.find<Log>(logUrl) : petr.repo.create<Log>({ entries: [] });
		logUrl = log.url;
		for (let i = 0; i < 3; i++) {
			const entry = `round ${round} entry ${i}`;
			log.change((d) => void d.entries.push(entry));
			expected.push(entry);
		}
		expect(await petr.delivery.whenDelivered(log, 5000)).toBe(true);
		petr.relay.disconnect();
		await killHard(child); // no grace: whatever the relay had not written is gone
		({ child } = await startChild(dataDir, port));

		const anna = ourClient(url, 'anna');
		clients.push(anna);
		const fetched = await anna.repo.find<Log>(logUrl);
		expect(fetched.doc().entries).toEqual(expected);
	}
}, 30_000);
