// The running relay takes admin commands on a Unix socket (mode 0600) in DATA_DIR, so `npm run admin` changes
// the directory through the one process that writes it, and a disabled person is cut off at once.
// Protocol: the CLI sends one JSON line `{ "argv": [...] }`, the relay answers one JSON line `{ ok, output }`.
import { createHash } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface AdminResult {
	ok: boolean;
	output: string;
}

/** Unix socket paths are limited to ~107 bytes; a deep DATA_DIR gets a socket in the temp directory instead. */
export function adminSocketPath(dataDir: string): string {
	const inside = join(resolve(dataDir), 'admin.sock');
	if (inside.length <= 100) return inside;
	const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
	return join(tmpdir(), `caseroom-admin-${hash}.sock`);
}

const MAX_REQUEST_BYTES = 64 * 1024;

/** Listens for admin commands; the caller holds the DATA_DIR lock, so a leftover socket file is stale. */
export async function listenForAdmin(dataDir: string, run: (argv: string[]) => Promise<AdminResult>): Promise<{ close(): Promise<void> }> {
	const path = adminSocketPath(dataDir);
	removeStale(path);
	const server: Server = createServer((socket) => {
		let buffer = '';
		socket.setEncoding('utf8');
		socket.on('error', () => socket.destroy());
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			if (buffer.length > MAX_REQUEST_BYTES) return void socket.destroy();
			const end = buffer.indexOf('\n');
			if (end < 0) return;
			socket.removeAllListeners('data');
			void answer(buffer.slice(0, end)).then((result) => socket.end(JSON.stringify(result) + '\n'));
		});
	});
	async function answer(line: string): Promise<AdminResult> {
		try {
			const request = JSON.parse(line) as { argv?: unknown };
			if (!Array.isArray(request.argv) || !request.argv.every((a) => typeof a === 'string')) throw new Error('bad request');
			return await run(request.argv);
		} catch (err) {
			return { ok: false, output: `The relay could not run this command: ${(err as Error).message}` };
		}
	}
	await new Promise<void>((resolvePromise, reject) => {
		server.once('error', reject);
		server.listen(path, () => resolvePromise());
	});
	chmodSync(path, 0o600);
	return {
		close: () =>
			new Promise<void>((done) => {
				server.close(() => done());
				removeStale(path);
			})
	};
}

/** Sends a command to a running relay; null when no relay listens on this DATA_DIR. */
export function sendAdminCommand(dataDir: string, argv: string[]): Promise<AdminResult | null> {
	return new Promise((resolvePromise, reject) => {
		const socket = createConnection(adminSocketPath(dataDir));
		let answer = '';
		socket.setEncoding('utf8');
		socket.on('connect', () => socket.write(JSON.stringify({ argv }) + '\n'));
		socket.on('data', (chunk: string) => (answer += chunk));
		socket.on('end', () => {
			try {
				resolvePromise(JSON.parse(answer) as AdminResult);
			} catch {
				reject(new Error('The running relay gave no readable answer.'));
			}
		});
		socket.on('error', (err: NodeJS.ErrnoException) => {
			if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolvePromise(null);
			else reject(err);
		});
	});
}

function removeStale(path: string) {
	try {
		unlinkSync(path);
	} catch {
		/* not there */
	}
}
