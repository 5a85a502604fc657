// What the tests' own servers (PostgreSQL, Redis) share: a free port to start on, and the CPU their processes used.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port of 127.0.0.1 free at the moment of asking. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** CPU of a process and its children now (a child that exited is no longer counted), ms; USER_HZ is 100 on Linux. */
export function processTreeCpuMs(root: number): number {
	let ticks = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // exited meanwhile
		}
		// Fields after the command name (which may hold spaces): ppid is the 2nd, utime and stime the 12th and 13th.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (Number(entry) === root || Number(fields[1]) === root) ticks += Number(fields[11]) + Number(fields[12]);
	}
	return ticks * 10;
}

