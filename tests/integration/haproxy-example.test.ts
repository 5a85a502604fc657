// docs/examples/haproxy.cfg, as committed, in front of three real relays sharing one PostgreSQL (a server of this
// file's own): only the addresses and the certificate's path are put in. HAProxy (Debian's `haproxy`, installed by
// .ci/run) checks the file, terminates TLS, sends plain HTTP to HTTPS, spreads sign-ins and sync WebSockets over the
// three nodes with no sticky sessions (a token from one node works on the others), and takes a stopped node out
// through its /health check while the others keep answering.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { freePort } from '../helpers/local-server.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { ROOT, startRelay, tempDataDir, type TestRelay } from '../helpers/relay.ts';
import { sleep, until } from './sync-harness.ts';

let postgres: TestPostgres;
let relays: TestRelay[] = [];
let haproxy: ChildProcess | undefined;
let dir = '';
let ca: Buffer;
let port = 0;
let plainPort = 0;
let output = '';
/** Debian's, in /usr/sbin (not on every user's PATH). */
const HAPROXY = '/usr/sbin/haproxy';

/** The example with this test's addresses: the bind lines on free ports of 127.0.0.1, the servers on the relays. */
function configured(example: string, pem: string): string {
	const nodes = relays.map((r) => new URL(r.url).host);
	let n = 0;
	const text = example
		.replace('bind :443 ssl crt /etc/haproxy/certs/caseroom.pem', `bind 127.0.0.1:${port} ssl crt ${pem}`)
		.replace('bind :80', `bind 127.0.0.1:${plainPort}`)
		.replace(/^(\s*server node\d) 10\.0\.4\.2\d:3030$/gm, (_line, server: string) => `${server} ${nodes[n++]}`)
		.replace('log stdout format raw local0', 'log stderr format raw local0');
	// Each line above is in the example as written: a change to it must change this test too.
	expect(text).not.toMatch(/10\.0\.4\.|bind :|\/etc\/haproxy|log stdout/);
	expect(text.match(/^\s*server node\d 127\.0\.0\.1:\d+$/gm)).toHaveLength(3);
	return text;
}

beforeAll(async () => {
	postgres = await startPostgres();
	const databaseUrl = await postgres.createDatabase();
	relays = await Promise.all([0, 1, 2].map(() => startRelay({ databaseUrl, trustProxy: true })));
	dir = tempDataDir('caseroom-haproxy-');
	const [cert, key, pem] = ['cert.pem', 'key.pem', 'caseroom.pem'].map((f) => join(dir, f));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key!, '-out', cert!], { stdio: 'ignore' });
	ca = readFileSync(cert!);
	writeFileSync(pem!, Buffer.concat([ca, readFileSync(key!)]));
	[port, plainPort] = [await freePort(), await freePort()];
	const file = join(dir, 'haproxy.cfg');
	writeFileSync(file, configured(readFileSync(join(ROOT, 'docs/examples/haproxy.cfg'), 'utf8'), pem!));
	expect(execFileSync(HAPROXY, ['-c', '-f', file], { encoding: 'utf8' })).toContain('Configuration file is valid');
	haproxy = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
	haproxy.stdout!.on('data', (d) => (output += d));
	haproxy.stderr!.on('data', (d) => (output += d));
	await until(async () => (await request('GET', '/health').catch(() => null))?.status === 200, 10_000, `HAProxy answers:\n${output}`);
}, 60_000);
afterAll(async () => {
	haproxy?.kill('SIGKILL');
	await Promise.all(relays.map((r) => r.close().catch(() => {})));
	await postgres?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An HTTPS request through HAProxy that trusts only the test certificate. */
function request(method: string, path: string, options: { body?: unknown; token?: string; plain?: boolean } = {}): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
	const url = options.plain ? `http://127.0.0.1:${plainPort}${path}` : `https://127.0.0.1:${port}${path}`;
	const headers = { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
	return new Promise((resolve, reject) => {
		const req = (options.plain ? http : https).request(url, { ca, method, headers }, (res) => {
			let text = '';
			res.on('data', (d) => (text += d));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: text.startsWith('{') ? JSON.parse(text) : text }));
		});
		req.on('error', reject);
		req.end(options.body ? JSON.stringify(options.body) : undefined);
	});
}

/** A /sync WebSocket through HAProxy: open, or the refused upgrade's status. */
function syncSocket(token: string): Promise<WebSocket | number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`wss://127.0.0.1:${port}/sync?token=${encodeURIComponent(token)}`, { ca });
		ws.on('open', () => resolve(ws));
		ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
		ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
	});
}

it('is valid, terminates TLS, spreads sign-ins and sync sockets over three nodes, and takes a stopped one out', { timeout: 60_000 }, async () => {
	const redirect = await request('GET', '/health', { plain: true });
	expect(redirect.status).toBe(301);
	expect(redirect.headers.location).toBe(`https://127.0.0.1:${plainPort}/health`);
	// The relay sees HTTPS through X-Forwarded-Proto (TRUST_PROXY=1).
	expect((await request('GET', '/health')).json).toMatchObject({ ok: true, secure: true });

	const signIn = await request('POST', '/api/login', { body: { username: 'petr', password: 'demo' } });
	expect(signIn.status).toBe(200);
	const { token } = signIn.json as { token: string };
	const sockets: WebSocket[] = [];
	for (let i = 0; i < 6; i++) {
		const socket = await syncSocket(token);
		expect(socket, `socket ${i}`).toBeInstanceOf(WebSocket);
		sockets.push(socket as WebSocket);
	}
	// Least connections: two on each node, every one accepted with the token the first node issued.
	const perNode = async () => Promise.all(relays.map(async (r) => ((await fetch(`${r.url}/health`).then((res) => res.json())) as { connections: number }).connections));
	await until(async () => (await perNode()).every((n) => n === 2), 5000, 'two sockets per node');

	// Stopped: its requests go to the others at once (redispatch), and its health check takes it out.
	await relays[0]!.stop();
	expect((await request('GET', '/api/me', { token })).status).toBe(200);
	await until(() => /caseroom_nodes\/node1 is DOWN/.test(output), 10_000, 'HAProxy takes node1 out');
	for (let i = 0; i < 10; i++) expect((await request('GET', '/api/me', { token })).status).toBe(200);
	const after = await syncSocket(token);
	expect(after).toBeInstanceOf(WebSocket);
	for (const socket of [...sockets, after as WebSocket]) socket.terminate();
	await sleep(50);
});
