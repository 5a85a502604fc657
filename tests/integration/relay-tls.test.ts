// Self-hosting over HTTPS: given a certificate and key the relay serves HTTPS and WSS itself; behind a reverse
// proxy it honours X-Forwarded-* only when TRUST_PROXY is set.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { api, login, startRelay, tempDataDir, type TestRelay } from '../helpers/relay.ts';

let certDir: string;
let ca: Buffer;
let relay: TestRelay;

beforeAll(async () => {
	certDir = tempDataDir('caseroom-cert-');
	const [certFile, keyFile] = [join(certDir, 'cert.pem'), join(certDir, 'key.pem')];
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
		'-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
	ca = readFileSync(certFile);
	relay = await startRelay({ tls: { certFile, keyFile } });
});
afterAll(async () => {
	await relay?.close();
	rmSync(certDir, { recursive: true, force: true });
});

/** An HTTPS request that trusts only the test certificate. */
function request(path: string, body?: unknown): Promise<{ status: number; json: any }> {
	return new Promise((resolve, reject) => {
		const req = https.request(`${relay.url}${path}`, { ca, method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json' } }, (res) => {
			let text = '';
			res.on('data', (d) => (text += d));
			res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
		});
		req.on('error', reject);
		req.end(body ? JSON.stringify(body) : undefined);
	});
}

/** Opens a WebSocket; resolves 'open' or the refused upgrade's HTTP status. */
function upgrade(url: string): Promise<'open' | number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { ca });
		ws.on('open', () => {
			ws.close();
			resolve('open');
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode!);
			ws.terminate();
		});
		ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
	});
}

describe('the relay over TLS', () => {
	it('serves /health and /api/login over https', async () => {
		expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const health = await request('/health');
		expect(health).toMatchObject({ status: 200, json: { ok: true, secure: true } });
		const signedIn = await request('/api/login', { username: 'anna', password: 'demo' });
		expect(signedIn.status).toBe(200);
		expect(signedIn.json.user.name).toBe('Anna Horáková');
		expect((await request('/api/login', { username: 'anna', password: 'wrong' })).status).toBe(401);
	});

	it('accepts a wss /sync upgrade with a token and refuses one without', async () => {
		const { json } = await request('/api/login', { username: 'petr', password: 'demo' });
		expect(await upgrade(`${relay.wsUrl}/sync?token=${encodeURIComponent(json.token)}`)).toBe('open');
		expect(await upgrade(`${relay.wsUrl}/sync`)).toBe(401);
		expect(await upgrade(`${relay.wsUrl}/sync?token=forged.token`)).toBe(401);
	});
});

describe('behind a reverse proxy', () => {
	it('believes X-Forwarded-Proto only with TRUST_PROXY', async () => {
		const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };
		const direct = await startRelay();
		const proxied = await startRelay({ trustProxy: true });
		try {
			expect((await api(direct.url, '/health', { headers })).body.secure).toBe(false);
			expect((await api(proxied.url, '/health', { headers })).body.secure).toBe(true);
		} finally {
			await direct.close();
			await proxied.close();
		}
	});

	it('limits failed sign-ins per forwarded client address with TRUST_PROXY', async () => {
		const proxied = await startRelay({ trustProxy: true });
		try {
			// The address is the one the proxy appended (the last): a client cannot dodge it with its own prefix.
			const fail = (username: string, forwarded: string) =>
				api(proxied.url, '/api/login', { body: { username, password: 'wrong' }, headers: { 'x-forwarded-for': forwarded } });
			for (let batch = 0; batch < 10; batch++)
				await Promise.all(Array.from({ length: 10 }, (_, i) => fail(`guess${batch}-${i}`, `10.9.${batch}.${i}, 203.0.113.9`)));
			const blocked = await fail('anna', '203.0.113.9');
			expect(blocked.status).toBe(429);
			expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
			// Another plant behind the same proxy is not affected.
			expect((await fail('anna', '198.51.100.2')).status).toBe(401);
		} finally {
			await proxied.close();
		}
	});
});
