// Single sign-on against real OpenID Providers (oidc-provider, two of them: the service organisation's and a
// customer's) and the real relay: people let in by a rule are created once and found again, everyone else is refused
// with a reason, and the flow's secrets hold against a replayed, forged, late or cross-browser callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { SsoProvider } from '../../sync-server/sso/provider-config.ts';
import { asOrgId } from '../../src/lib/model/ids.ts';
import { api, login, startRelay, tempDataDir, type LoginBody, type TestRelay } from '../helpers/relay.ts';
import { arrivalParams, SsoBrowser, type Arrival } from '../helpers/sso-browser.ts';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.ts';

const secret = 'relay-client-secret-0123456789';
let gfmsIdp: TestIdp;
let acmeIdp: TestIdp;
let relay: TestRelay;
let offsetMs = 0;
const dataDir = tempDataDir();

const providers = (gfms: string, acme: string): SsoProvider[] => [
	{ id: 'gfms', name: 'GFMS', issuer: gfms, clientId: 'caseroom', clientSecret: secret, scopes: ['openid', 'email', 'profile'], prompt: null, rules: [{ emailDomains: ['gfms.example'], org: asOrgId('gfms'), role: 'engineer' }] },
	{ id: 'acme', name: 'Acme Precision', issuer: acme, clientId: 'caseroom', clientSecret: secret, scopes: ['openid', 'email', 'profile', 'groups'], prompt: null, rules: [{ claim: 'groups', value: 'caseroom', org: asOrgId('acme'), role: 'customer' }] },
	// Nothing listens on port 9 (discard): a provider that is down.
	{ id: 'down', name: 'Down', issuer: 'http://127.0.0.1:9', clientId: 'caseroom', clientSecret: secret, scopes: ['openid'], prompt: null, rules: [{ anyone: true, org: asOrgId('gfms'), role: 'engineer' }] }
];

beforeAll(async () => {
	gfmsIdp = await startTestIdp({
		karel: { email: 'Karel.Dvorak@gfms.example', email_verified: true, name: 'Karel Dvořák', preferred_username: 'karel' },
		// The same local part as the demo's Anna: she gets a username of her own.
		anna: { email: 'anna@gfms.example', name: 'Anna Nová' },
		unverified: { email: 'mallory@gfms.example', email_verified: false, name: 'Mallory' }
	});
	acmeIdp = await startTestIdp(
		{
			// The same subject "karel" at another provider is another person.
			karel: { email: 'karel@acme.example', name: 'Karel Acme', groups: ['caseroom', 'staff'] },
			visitor: { email: 'visitor@acme.example', name: 'Vera Visitor', groups: ['staff'] }
		},
		'127.0.0.2'
	);
	await startOurRelay();
});
afterAll(async () => {
	await relay?.close();
	await gfmsIdp?.close();
	await acmeIdp?.close();
	rmSync(dataDir, { recursive: true, force: true });
});

/** The relay on `dataDir`, its callback addresses registered at both providers (the port changes at each start). */
async function startOurRelay() {
	relay = await startRelay({ dataDir, ssoProviders: providers(gfmsIdp.issuer, acmeIdp.issuer) }, { now: () => Date.now() + offsetMs });
	for (const [idp, id] of [[gfmsIdp, 'gfms'], [acmeIdp, 'acme']] as const)
		idp.register({ clientId: 'caseroom', clientSecret: secret, redirectUris: [`${relay.url}/api/auth/oidc/${id}/callback`] });
}

const start = (id: string) => `${relay.url}/api/auth/oidc/${id}/start`;

/** Signs in through a provider and trades the hand-off code for a session, as the app does. */
async function signIn(browser: SsoBrowser, provider: string, account: string): Promise<{ session: LoginBody; arrival: Arrival }> {
	const arrival = await browser.go(start(provider), account);
	const code = arrivalParams(arrival).get('sso');
	if (!code) throw new Error(`Refused: ${arrival.hash}`);
	const res = await api<LoginBody>(relay.url, '/api/auth/sso/session', { body: { code } });
	expect(res.status).toBe(200);
	return { session: res.body, arrival };
}

describe('single sign-on', () => {
	it('lists the providers for the sign-in page, and nothing secret', async () => {
		const res = await api(relay.url, '/api/auth/providers');
		expect(res.status).toBe(200);
		expect(res.body.providers).toEqual([
			{ id: 'gfms', name: 'GFMS', start: '/api/auth/oidc/gfms/start' },
			{ id: 'acme', name: 'Acme Precision', start: '/api/auth/oidc/acme/start' },
			{ id: 'down', name: 'Down', start: '/api/auth/oidc/down/start' }
		]);
		expect(JSON.stringify(res.body)).not.toContain(secret);

		const none = await startRelay();
		expect((await api(none.url, '/api/auth/providers')).body).toEqual({ providers: [] });
		await none.close();
	});

	it('creates a person by an email-domain rule at the first sign-in and finds them again', async () => {
		const before = relay.server.store.people().length;
		const { session, arrival } = await signIn(new SsoBrowser(), 'gfms', 'karel');
		expect(arrival.askedToLogIn).toBe(true);
		// PKCE and a nonce went to the provider; the relay's token never appears in any address.
		const authorize = arrival.visited.find((u) => u.searchParams.has('code_challenge'))!;
		expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
		expect(authorize.searchParams.get('nonce')).toBeTruthy();
		expect(arrival.visited.some((u) => u.href.includes(session.token))).toBe(false);
		expect(session.user).toMatchObject({ username: 'karel', name: 'Karel Dvořák', org: 'GFMS', orgId: 'gfms', role: 'engineer' });
		expect(typeof session.expiresAt).toBe('number');
		expect((await api(relay.url, '/api/me', { token: session.token })).body).toMatchObject({ id: session.user.id, role: 'engineer' });

		// Another device, the same person at the provider: found by the link, not created again.
		const again = await signIn(new SsoBrowser(), 'gfms', 'karel');
		expect(again.session.user.id).toBe(session.user.id);
		expect(relay.server.store.people().length).toBe(before + 1);
		// Sees the directory as any GFMS engineer does.
		const directory = await api(relay.url, '/api/directory', { token: again.session.token });
		expect(directory.body.people.map((p: { id: string }) => p.id)).toContain('petr');
	});

	it('keeps each provider’s people apart, gives a taken username a suffix, and maps a group claim', async () => {
		const gfmsAnna = (await signIn(new SsoBrowser(), 'gfms', 'anna')).session.user;
		expect(gfmsAnna).toMatchObject({ username: 'anna-2', name: 'Anna Nová', orgId: 'gfms' });
		const acmeKarel = (await signIn(new SsoBrowser(), 'acme', 'karel')).session.user;
		expect(acmeKarel).toMatchObject({ name: 'Karel Acme', orgId: 'acme', org: 'Acme Precision s.r.o.', role: 'customer' });
		expect(acmeKarel.id).not.toBe('karel');
		// The demo's Anna still signs in with her password.
		expect((await login(relay.url, 'anna')).user.name).toBe('Anna Horáková');
	});

	it('refuses, and creates nobody, when no rule lets the person in', async () => {
		const before = relay.server.store.people().length;
		for (const [provider, account] of [['acme', 'visitor'], ['gfms', 'unverified']] as const) {
			const arrival = await new SsoBrowser().go(start(provider), account);
			expect(arrival.hash).toBe(`#sso-error=no-rule&provider=${provider}`);
		}
		expect(relay.server.store.people().length).toBe(before);
	});

	it('refuses a disabled person, and their hand-off code too', async () => {
		const browser = new SsoBrowser();
		const { session } = await signIn(browser, 'gfms', 'karel');
		const pending = arrivalParams(await browser.go(start('gfms'), 'karel')).get('sso')!;
		await relay.server.store.commit({ type: 'personDisabled', userId: session.user.id as never });
		try {
			expect((await api(relay.url, '/api/auth/sso/session', { body: { code: pending } })).status).toBe(401);
			expect((await browser.go(start('gfms'), 'karel')).hash).toBe('#sso-error=disabled&provider=gfms');
			expect((await api(relay.url, '/api/me', { token: session.token })).status).toBe(401);
		} finally {
			await relay.server.store.commit({ type: 'personEnabled', userId: session.user.id as never });
		}
	});

	it('takes a hand-off code once', async () => {
		const arrival = await new SsoBrowser().go(start('gfms'), 'karel');
		const code = arrivalParams(arrival).get('sso')!;
		expect((await api(relay.url, '/api/auth/sso/session', { body: { code } })).status).toBe(200);
		const replay = await api(relay.url, '/api/auth/sso/session', { body: { code } });
		expect(replay.status).toBe(401);
		expect(replay.body.error).toMatch(/already used or has expired/);
		expect((await api(relay.url, '/api/auth/sso/session', { body: {} })).status).toBe(400);
	});

	it('refuses a replayed, forged, late or cross-browser callback', async () => {
		const browser = new SsoBrowser();
		const first = await browser.go(start('gfms'), 'karel');
		const callback = first.visited.find((u) => u.pathname.endsWith('/callback'))!;
		expect(arrivalParams(first).get('sso')).toBeTruthy();
		// Replayed: the state was spent.
		expect((await browser.go(callback, 'karel')).hash).toBe('#sso-error=expired&provider=gfms');
		// Forged: a state the relay never gave out.
		const forged = new URL(callback);
		forged.searchParams.set('state', 'forged-state');
		expect((await browser.go(forged, 'karel')).hash).toBe('#sso-error=expired&provider=gfms');
		// Sent to another provider's callback.
		const stopped = await browser.go(start('gfms'), 'karel', { stopBefore: /\/callback$/ });
		const elsewhere = new URL(stopped.visited.at(-1)!.href.replace('/oidc/gfms/', '/oidc/acme/'));
		expect((await browser.go(elsewhere, 'karel')).hash).toBe('#sso-error=expired&provider=acme');

		// Started in one browser, finished in another (a link someone was tricked into opening): no binding cookie.
		const lured = await browser.go(start('gfms'), 'karel', { stopBefore: /\/callback$/ });
		expect((await new SsoBrowser().go(lured.visited.at(-1)!, 'karel')).hash).toBe('#sso-error=other-browser&provider=gfms');

		// Ten minutes at the provider is too long.
		const late = await browser.go(start('gfms'), 'karel', { stopBefore: /\/callback$/ });
		offsetMs += 11 * 60_000;
		try {
			expect((await browser.go(late.visited.at(-1)!, 'karel')).hash).toBe('#sso-error=expired&provider=gfms');
		} finally {
			offsetMs -= 11 * 60_000;
		}
	});

	it('says when the person cancels at the provider, when it is down, or unknown', async () => {
		const browser = new SsoBrowser();
		const atForm = await browser.go(start('acme'), 'karel', { stopBefore: /^\/interaction\/[^/]+$/ });
		const abort = new URL(`${atForm.visited.at(-1)!.href}/abort`);
		expect((await browser.go(abort, 'karel')).hash).toBe('#sso-error=provider-refused&provider=acme');
		expect((await browser.go(start('down'), 'karel')).hash).toBe('#sso-error=unreachable&provider=down');
		expect((await browser.go(start('nope'), 'karel')).hash).toBe('#sso-error=unknown-provider&provider=nope');
	});

	it('signs in again without a password at the provider when only the relay token expired', async () => {
		const browser = new SsoBrowser();
		const { session } = await signIn(browser, 'acme', 'karel');
		offsetMs += relay.config.tokenTtlHours * 3600_000 + 1000;
		try {
			const refused = await api(relay.url, '/api/me', { token: session.token });
			expect(refused.status).toBe(401);
			expect(refused.body.error).toMatch(/expired/);
			// The provider's session is still good: straight back, no login form.
			const again = await signIn(browser, 'acme', 'karel');
			expect(again.arrival.askedToLogIn).toBe(false);
			expect(again.session.user.id).toBe(session.user.id);
			expect((await api(relay.url, '/api/me', { token: again.session.token })).status).toBe(200);
			// The provider's session expired too: its login form again, and still the same person.
			browser.forget(acmeIdp);
			const third = await signIn(browser, 'acme', 'karel');
			expect(third.arrival.askedToLogIn).toBe(true);
			expect(third.session.user.id).toBe(session.user.id);
		} finally {
			offsetMs -= relay.config.tokenTtlHours * 3600_000 + 1000;
		}
	});

	it('keeps the link across a restart', async () => {
		const { session } = await signIn(new SsoBrowser(), 'gfms', 'karel');
		await relay.stop();
		await startOurRelay();
		const after = await signIn(new SsoBrowser(), 'gfms', 'karel');
		expect(after.session.user.id).toBe(session.user.id);
	});
});
