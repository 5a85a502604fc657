// A PostgreSQL server of the test's own, from the machine's PostgreSQL binaries (Debian's `postgresql` package:
// /usr/lib/postgresql/<version>/bin, or PG_BIN): initdb into a temporary directory, started with pg_ctl on a free
// port of 127.0.0.1, its unix socket in that directory too, so it touches nothing of the machine's and needs no
// service running. One per test file (start it in beforeAll, close it in afterAll); a fresh database per test with
// createDatabase(). As root, initdb and pg_ctl run as the `postgres` user (PostgreSQL refuses to run as root).
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, processTreeCpuMs } from './local-server.ts';

const run = promisify(execFile);

export interface TestPostgres {
	/** postgresql://postgres@127.0.0.1:<port>/postgres (trust authentication: no password). */
	url: string;
	port: number;
	/** A new empty database on this server; its URL. */
	createDatabase(): Promise<string>;
	/** Stops the server as an administrator would (pg_ctl stop -m fast: open connections are cut); the data stays. */
	stop(): Promise<void>;
	/** Starts it again on the same port, after stop(). */
	start(): Promise<void>;
	/** Stops it at once and removes its directory. */
	close(): Promise<void>;
	/** CPU time (user + system) its processes have used so far, ms: the postmaster and its children (benchmarks). */
	cpuMs(): number;
}

export async function startPostgres(): Promise<TestPostgres> {
	const bin = postgresBin();
	const root = mkdtempSync(join(tmpdir(), 'caseroom-pg-'));
	const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
	if (asPostgres.length > 0) chownSync(root, Number(id('-u')), Number(id('-g')));
	const data = join(root, 'data');
	const logFile = join(root, 'server.log');
	const port = await freePort();
	const as = (command: string, args: string[]) => {
		const [file, ...rest] = [...asPostgres, join(bin, command), ...args];
		return run(file!, rest, { timeout: 60_000 });
	};
	const pgCtl = (...args: string[]) =>
		as('pg_ctl', ['-D', data, '-l', logFile, ...args]).catch((error: Error) => {
			throw new Error(`pg_ctl ${args[0]} failed: ${error.message}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''}`);
		});
	// --no-sync: the cluster's files need not survive a power cut; the server still fsyncs every COMMIT.
	await as('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
	const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=60 -c shared_buffers=16MB`;
	const start = () => pgCtl('start', '-w', '-t', '60', '-o', options).then(() => {});
	await start();
	const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
	let databases = 0;
	return {
		url,
		port,
		async createDatabase() {
			const name = `caseroom_${process.pid}_${++databases}`;
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			try {
				await client.query(`CREATE DATABASE ${name}`);
			} finally {
				await client.end();
			}
			return `postgresql://postgres@127.0.0.1:${port}/${name}`;
		},
		stop: () => pgCtl('stop', '-w', '-m', 'fast').then(() => {}),
		start,
		async close() {
			await pgCtl('stop', '-w', '-m', 'immediate').catch(() => {});
			rmSync(root, { recursive: true, force: true });
		},
		cpuMs: () => processTreeCpuMs(Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]))
	};
}

/** PG_BIN, or the newest of /usr/lib/postgresql/<version>/bin (Debian's layout). */
function postgresBin(): string {
	if (process.env.PG_BIN) return process.env.PG_BIN;
	const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)) : [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest || !existsSync(join('/usr/lib/postgresql', newest, 'bin', 'initdb')))
		throw new Error('PostgreSQL is not installed: `apt-get install postgresql` (.ci/run does), or set PG_BIN to the folder of initdb and pg_ctl.');
	return join('/usr/lib/postgresql', newest, 'bin');
}

function id(flag: '-u' | '-g'): string {
	return execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim();
}
