// Single sign-on behind a load balancer: two relay nodes on one PostgreSQL, a sign-in started on node A coming back
// from the provider (a real OpenID Provider) to node B, its hand-off code redeemed on node A, and every one-time value
// taken once across the nodes; PostgreSQL out of reach fails a sign-in with "try again". Then the PostgreSQL one-time store itself: two nodes racing for one code, expiry by
// the relay's clock, and the per-address bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOrgId } from '../../src/lib/model/ids.ts';
import { openDatabase, type Database } from '../../sync-server/storage/postgres-database.ts';
import { postgresOneTimeStores } from '../../sync-server/sso/postgres-one-time-store.ts';
import type { SsoProvider } from '../../sync-server/sso/provider-config.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { api, startRelay, type TestRelay } from '../helpers/relay.ts';
import { arrivalParams, SsoBrowser } from '../helpers/sso-browser.ts';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.ts';

const secret = 'relay-client-secret-0123456789';
let postgres: TestPostgres;
let databaseUrl: string;
let idp: TestIdp;
let nodeA: TestRelay;
let nodeB: TestRelay;

beforeAll(async () => {
	[postgres, idp] = await Promise.all([startPostgres(), startTestIdp({ karel: { email: 'karel@gfms.example', email_verified: true, name: 'Karel Dvořák' } })]);
	databaseUrl = await postgres.createDatabase();
	const providers: SsoProvider[] = [
		{ id: 'gfms', name: 'GFMS', issuer: idp.issuer, clientId: 'caseroom', clientSecret: secret, scopes: ['openid', 'email', 'profile'], prompt: null, rules: [{ emailDomains: ['gfms.example'], org: asOrgId('gfms'), role: 'engineer' }] }
	];
	nodeA = await startRelay({ databaseUrl, ssoProviders: providers });
	nodeB = await startRelay({ databaseUrl, ssoProviders: providers });
	// The provider knows one callback address: node A's, which the sign-in started on.
	idp.register({ clientId: 'caseroom', clientSecret: secret, redirectUris: [`${nodeA.url}/api/auth/oidc/gfms/callback`] });
}, 60_000);
afterAll(async () => {
	await Promise.all([nodeA?.close(), nodeB?.close(), idp?.close()]);
	await postgres?.close();
});

const session = (node: TestRelay, code: string) => api(node.url, '/api/auth/sso/session', { body: { code } });

describe('single sign-on across relay nodes', () => {
	it('finishes on another node than it started on, and its code is redeemed once, on any node', async () => {
		const browser = new SsoBrowser();
		const atCallback = await browser.go(`${nodeA.url}/api/auth/oidc/gfms/start`, 'karel', { stopBefore: /\/callback$/ });
		// The load balancer sends the provider's redirect to node B, with node A's binding cookie (one site to the browser).
		const callback = atCallback.visited.at(-1)!;
		const onB = new URL(callback.pathname + callback.search, nodeB.url);
		browser.cookies.set(onB.host, browser.cookies.get(callback.host)!);
		const arrival = await browser.go(onB, 'karel');
		const code = arrivalParams(arrival).get('sso');
		expect(code, arrival.hash).toBeTruthy();

		// Replayed to node A, the callback finds its state spent.
		expect((await browser.go(callback, 'karel')).hash).toBe('#sso-error=expired&provider=gfms');
		const redeemed = await session(nodeA, code!);
		expect(redeemed.status).toBe(200);
		expect(redeemed.body.user).toMatchObject({ username: 'karel', orgId: 'gfms', role: 'engineer' });
		// Node A's session works on node B (shared signing key), and the code is spent on node B too.
		expect((await api(nodeB.url, '/api/me', { token: redeemed.body.token })).status).toBe(200);
		expect((await session(nodeB, code!)).status).toBe(401);
		expect((await session(nodeA, code!)).status).toBe(401);
	});

	it('says the sign-in failed, to try again, while PostgreSQL is out of reach, and works once it is back', async () => {
		await postgres.stop();
		try {
			const arrival = await new SsoBrowser().go(`${nodeB.url}/api/auth/oidc/gfms/start`, 'karel');
			expect(arrival.hash).toBe('#sso-error=failed&provider=gfms');
			expect((await session(nodeB, 'any-code')).status).toBe(503);
		} finally {
			await postgres.start();
		}
		const arrival = await new SsoBrowser().go(`${nodeA.url}/api/auth/oidc/gfms/start`, 'karel');
		expect((await session(nodeA, arrivalParams(arrival).get('sso')!)).status).toBe(200);
	});
});

describe('the PostgreSQL one-time store', () => {
	let databases: Database[] = [];
	beforeAll(async () => {
		databases = [await openDatabase(databaseUrl), await openDatabase(databaseUrl)];
	});
	afterAll(() => Promise.all(databases.map((d) => d.close())));

	it('gives a value once when two nodes take it at the same moment, and never after it expired', async () => {
		let now = 1_000_000;
		const clock = () => now;
		const limits = { ttlMs: 1000, max: 100, maxPerAddress: 100 };
		const [a, b] = databases.map((d) => postgresOneTimeStores(d.pool, clock)<{ user: string }>('test-race', limits)) as [ReturnType<ReturnType<typeof postgresOneTimeStores>>, ReturnType<ReturnType<typeof postgresOneTimeStores>>];
		for (let i = 0; i < 20; i++) {
			await a.put(`code${i}`, { user: `u${i}` }, '10.0.0.1');
			const taken = await Promise.all([a.take(`code${i}`), b.take(`code${i}`)]);
			expect(taken.filter(Boolean)).toEqual([{ user: `u${i}` }]);
		}
		await a.put('late', { user: 'x' }, '10.0.0.1');
		now += 1000;
		expect(await b.take('late')).toBeUndefined();
		// The key is not in the table, only its hash.
		const { rows } = await databases[0]!.pool.query("SELECT count(*)::int AS n FROM sso_one_time WHERE key_hash LIKE '%code%'");
		expect(rows[0].n).toBe(0);
	});

	it('is bounded, and one address pushes out only its own oldest', async () => {
		const store = postgresOneTimeStores(databases[0]!.pool, () => 5_000_000)<number>('test-bound', { ttlMs: 1000, max: 5, maxPerAddress: 2 });
		await store.put('victim', 0, 'plant');
		for (let i = 0; i < 10; i++) await store.put(`flood${i}`, i, 'attacker');
		expect(await store.take('victim')).toBe(0);
		expect(await store.take('flood9')).toBe(9);
		expect(await store.take('flood8')).toBe(8);
		expect(await store.take('flood0')).toBeUndefined();
		for (let i = 0; i < 10; i++) await store.put(`k${i}`, i, `address${i}`);
		expect(await store.take('k9')).toBe(9);
		expect(await store.take('k0')).toBeUndefined();
	});
});
