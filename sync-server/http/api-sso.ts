// Single sign-on's addresses. GET /api/auth/providers tells the sign-in page which buttons to show. A button opens
// /api/auth/oidc/<id>/start, which sends the browser to the provider; the provider sends it back to
// /api/auth/oidc/<id>/callback, which sends it to the app's sign-in page with a one-time hand-off code in the URL
// fragment (never sent to any server, and removed by the app at once) or the reason it was refused. The app posts the
// code to /api/auth/sso/session and gets what POST /api/login gives.
import { signedIn } from './api-login.ts';
import type { ApiResult, PublicRequest } from './api.ts';
import { HttpError, requestScheme } from './http-util.ts';
import { object } from './validate.ts';
import type { SsoFailure, SsoProviderInfo } from '../../src/lib/model/sso.ts';
import { FLOW_MS } from '../sso/single-sign-on.ts';

/** Holds the random value binding a sign-in to the browser that started it (only sent to /api/auth/oidc/…). */
const COOKIE = 'caseroom_sso';
const COOKIE_PATH = '/api/auth/oidc/';

export function ssoProviders({ ctx }: PublicRequest): ApiResult {
	const providers: SsoProviderInfo[] = (ctx.sso?.providers() ?? []).map((p) => ({ ...p, start: `${COOKIE_PATH}${encodeURIComponent(p.id)}/start` }));
	return { status: 200, body: { providers } };
}

export async function ssoStart({ ctx, id, req, address }: PublicRequest): Promise<ApiResult> {
	const base = publicBase(ctx.config.publicUrl, req, ctx.config.trustProxy);
	if (!ctx.sso || !base) return backToApp({ ok: false, reason: base ? 'unknown-provider' : 'failed' }, id);
	const started = await ctx.sso.begin(id, `${base}${COOKIE_PATH}${encodeURIComponent(id)}/callback`, address);
	if (!started.ok) return backToApp(started, id);
	const secure = base.startsWith('https:') ? '; Secure' : '';
	return redirect(started.location, `${COOKIE}=${started.binding}; Path=${COOKIE_PATH}; Max-Age=${FLOW_MS / 1000}; HttpOnly; SameSite=Lax${secure}`);
}

export async function ssoCallback({ ctx, id, req, address }: PublicRequest): Promise<ApiResult> {
	if (!ctx.sso) return backToApp({ ok: false, reason: 'unknown-provider' }, id);
	const query = new URL(req.url ?? '/', 'http://relay').searchParams;
	const outcome = await ctx.sso.finish(id, query, cookie(req.headers.cookie, COOKIE), address);
	return backToApp(outcome.ok ? { ok: true, handOff: outcome.handOff } : outcome, id);
}

export async function ssoSession({ ctx, body }: PublicRequest): Promise<ApiResult> {
	const { code } = object(body);
	if (typeof code !== 'string') throw new HttpError(400, 'Send { "code": "..." } with the code from the sign-in page\'s address.');
	const userId = await ctx.sso?.redeem(code);
	// Created by the node the provider sent the browser back to: this node may not have heard of them yet.
	if (userId !== undefined && !ctx.store.person(userId)) await ctx.store.catchUp();
	const person = userId === undefined ? undefined : ctx.store.person(userId);
	if (!person || person.disabled) throw new HttpError(401, 'This sign-in was already used or has expired. Sign in again.');
	return signedIn(ctx, person);
}

/** To the sign-in page, with the hand-off code or the reason in the fragment; the binding cookie is spent either way. */
function backToApp(outcome: { ok: true; handOff: string } | { ok: false; reason: SsoFailure }, providerId: string): ApiResult {
	const fragment = outcome.ok
		? `sso=${outcome.handOff}`
		: `sso-error=${outcome.reason}&provider=${encodeURIComponent(providerId.slice(0, 64))}`;
	return redirect(`/login#${fragment}`, `${COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax`);
}

function redirect(location: string, setCookie: string): ApiResult {
	return { status: 303, body: {}, headers: { location, 'set-cookie': setCookie, 'referrer-policy': 'no-referrer' } };
}

/** The origin people open the relay at: PUBLIC_URL, else the request's own (a Host of garbage gives none). */
function publicBase(publicUrl: string | null, req: PublicRequest['req'], trustProxy: boolean): string | null {
	if (publicUrl) return publicUrl;
	const forwarded = trustProxy ? String(req.headers['x-forwarded-host'] ?? '').split(',')[0]?.trim() : '';
	const host = forwarded || req.headers.host || '';
	return /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host) ? `${requestScheme(req, trustProxy)}://${host.toLowerCase()}` : null;
}

function cookie(header: string | undefined, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) return value.join('=');
	}
	return undefined;
}
