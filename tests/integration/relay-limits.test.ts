// The relay's front door with small limits, so that each is reached in a few requests: the request rate per
// address (429 with Retry-After and a JSON error), open sockets per address, a flooding socket closed with 1008,
// X-Forwarded-For believed only with TRUST_PROXY, and the Origin check on upgrades and on API calls that change things.
// The defaults themselves are checked against a whole plant behind one NAT address in sync-server/rate-limit.test.ts.
import { cbor } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { makeConfig, type Limits } from '../../sync-server/config.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';

const LIMITS: Limits = {
	...makeConfig().limits,
	socketsPerAddress: 2,
	// Slow refills: a loaded machine taking seconds over a test must not see a token come back.
	http: { burst: 30, perSecond: 0.05 },
	syncMessages: { burst: 20, perSecond: 0.05 },
	peerMessages: { burst: 10, perSecond: 0.05 }
};

let relay: TestRelay;
let token = '';
let address = 0;
/** A fresh client address for each test (the relay trusts X-Forwarded-For here). */
const fresh = () => `198.51.100.${++address}`;

beforeAll(async () => {
	relay = await startRelay({ trustProxy: true, limits: LIMITS, allowedOrigins: ['https://app.example.org'] });
	token = (await login(relay.url, 'petr')).token;
});
afterAll(() => relay?.close());

type Opened = { ws: WebSocket; status: 101 } | { status: number; body: any; headers: Record<string, unknown> };

function open(path: string, headers: Record<string, string> = {}): Promise<Opened> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`${relay.wsUrl}${path}`, { headers });
		ws.on('error', () => {});
		ws.once('open', () => resolve({ ws, status: 101 }));
		ws.once('unexpected-response', (_req, res) => {
			let text = '';
			res.on('data', (d) => (text += d));
			res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null, headers: res.headers }));
		});
	});
}
const syncPath = () => `/sync?token=${encodeURIComponent(token)}`;
const peerPath = (id: string) => `/peerjs/peerjs?key=peerjs&id=${id}&token=${encodeURIComponent(token)}`;
const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('the request rate per address', () => {
	it('answers 429 with Retry-After and a JSON error past the burst, for that address only', async () => {
		const from = fresh();
		const statuses: number[] = [];
		for (let i = 0; i < LIMITS.http.burst; i++) statuses.push((await api(relay.url, '/health', { headers: { 'x-forwarded-for': from } })).status);
		expect(statuses.every((s) => s === 200)).toBe(true);
		const refused = await api(relay.url, '/api/me', { token, headers: { 'x-forwarded-for': from } });
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(refused.body.error).toMatch(/Too many requests from your network address/);
		// Its WebSocket upgrades are refused the same way.
		const upgrade = await open(syncPath(), { 'x-forwarded-for': from });
		expect(upgrade).toMatchObject({ status: 429, body: { error: expect.stringMatching(/Too many/) } });
		// Another address is served.
		expect((await api(relay.url, '/api/me', { token, headers: { 'x-forwarded-for': fresh() } })).status).toBe(200);
	});

	it('believes X-Forwarded-For only behind a trusted proxy', async () => {
		const direct = await startRelay({ limits: { ...LIMITS, http: { burst: 3, perSecond: 0.05 } } });
		try {
			const statuses: number[] = [];
			// A client inventing a new address for each request is still one socket address.
			for (let i = 0; i < 4; i++) statuses.push((await api(direct.url, '/health', { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
			expect(statuses).toEqual([200, 200, 200, 429]);
		} finally {
			await direct.close();
		}
	});
});

describe('open sockets per address', () => {
	it('refuses a socket over the count with 429, and takes one again once a socket closed', async () => {
		const from = { 'x-forwarded-for': fresh() };
		const first = await open(syncPath(), from);
		const second = await open(syncPath(), from);
		expect([first.status, second.status]).toEqual([101, 101]);
		const third = await open(syncPath(), from);
		expect(third).toMatchObject({ status: 429, body: { error: expect.stringMatching(/open sync connections/) } });
		// /peerjs is counted apart from /sync.
		const peer = await open(peerPath('petr-count1'), from);
		expect(peer.status).toBe(101);
		const closed = closeCode((first as { ws: WebSocket }).ws);
		(first as { ws: WebSocket }).ws.close();
		await closed;
		await new Promise((r) => setTimeout(r, 100));
		const again = await open(syncPath(), from);
		expect(again.status).toBe(101);
		for (const s of [second, peer, again]) if ('ws' in s) s.ws.terminate();
	});
});

describe('a flooding socket', () => {
	it('on /sync is closed with 1008 (policy) and its neighbour keeps its socket', async () => {
		const neighbour = await open(syncPath(), { 'x-forwarded-for': fresh() });
		const flood = await open(syncPath(), { 'x-forwarded-for': fresh() });
		if (!('ws' in flood) || !('ws' in neighbour)) throw new Error('not opened');
		const code = closeCode(flood.ws);
		// Repeated joins are well-formed (each is answered): only their rate is wrong.
		const join = cbor.encode({ type: 'join', senderId: 'petr:flood', peerMetadata: {}, supportedProtocolVersions: ['1'] });
		for (let i = 0; i < LIMITS.syncMessages.burst + 5; i++) flood.ws.send(join);
		expect(await code).toBe(1008);
		expect(neighbour.ws.readyState).toBe(WebSocket.OPEN);
		neighbour.ws.terminate();
	});

	it('on /peerjs is closed with 1008', async () => {
		const flood = await open(peerPath('petr-flood'), { 'x-forwarded-for': fresh() });
		if (!('ws' in flood)) throw new Error('not opened');
		const code = closeCode(flood.ws);
		for (let i = 0; i < LIMITS.peerMessages.burst + 5; i++) flood.ws.send(JSON.stringify({ type: 'HEARTBEAT' }));
		expect(await code).toBe(1008);
	});
});

describe('the Origin check', () => {
	const evil = 'https://evil.example.com';

	it('refuses sockets opened by pages of another origin with 403, and allows the own and configured ones', async () => {
		const own = new URL(relay.url).origin;
		for (const path of [syncPath(), peerPath('petr-origin1')]) {
			const refused = await open(path, { origin: evil, 'x-forwarded-for': fresh() });
			expect(refused).toMatchObject({ status: 403, body: { error: expect.stringMatching(/may not use this relay/) } });
		}
		const allowed = await Promise.all([open(syncPath(), { origin: own, 'x-forwarded-for': fresh() }), open(syncPath(), { origin: 'https://app.example.org', 'x-forwarded-for': fresh() })]);
		expect(allowed.map((a) => a.status)).toEqual([101, 101]);
		for (const a of allowed) if ('ws' in a) a.ws.terminate();
	});

	it('refuses API calls that change something from another origin, and lets reads and programs through', async () => {
		const headers = { origin: evil, 'x-forwarded-for': fresh() };
		const signIn = await api(relay.url, '/api/login', { body: { username: 'petr', password: 'demo' }, headers });
		expect(signIn.status).toBe(403);
		expect(signIn.body.error).toMatch(/evil\.example\.com.*ALLOWED_ORIGINS/);
		const register = await api(relay.url, '/api/conversations', { token, body: {}, headers });
		expect(register.status).toBe(403);
		// Reading is harmless cross-site (the browser does not hand the answer to the other page without CORS).
		expect((await api(relay.url, '/api/me', { token, headers })).status).toBe(200);
		// Programs send no Origin at all.
		expect((await api(relay.url, '/api/login', { body: { username: 'petr', password: 'demo' }, headers: { 'x-forwarded-for': fresh() } })).status).toBe(200);
	});
});
