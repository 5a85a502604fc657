// The sign-in page's single sign-on: which providers the relay offers (kept on this device, so the buttons are there
// offline too and say why they cannot work), what the relay put in the page's fragment on the way back from a
// provider, and trading the one-time hand-off code for the same session a password sign-in gives.
import { isSsoFailure, type SsoFailure, type SsoProviderInfo } from '$lib/model/sso';
import { readLocal, writeLocal, type LocalStore } from '$lib/safe-local-storage';
import { postForSession, type LoginResult } from './login';

const STORAGE_KEY = 'caseroom.ssoProviders';

export type SsoReturn = { kind: 'code'; code: string } | { kind: 'refused'; reason: SsoFailure; provider: string } | null;

/** Reads no UI state. The fragment the relay's callback sent the browser back with (`#sso=…` or `#sso-error=…`). */
export function readSsoReturn(hash: string): SsoReturn {
	const params = new URLSearchParams(hash.replace(/^#/, ''));
	const code = params.get('sso');
	if (code) return { kind: 'code', code };
	const error = params.get('sso-error');
	if (error === null) return null;
	return { kind: 'refused', reason: isSsoFailure(error) ? error : 'failed', provider: params.get('provider') ?? '' };
}

/** Reads no UI state. Only well-formed entries: the list may come from an older relay or a damaged cache. */
export function providerList(value: unknown): SsoProviderInfo[] {
	const list = (value as { providers?: unknown } | null)?.providers;
	if (!Array.isArray(list)) return [];
	return list.filter(
		(p): p is SsoProviderInfo => typeof p?.id === 'string' && typeof p.name === 'string' && typeof p.start === 'string' && p.start.startsWith('/api/auth/oidc/')
	);
}

export function cachedProviders(storage?: LocalStore | null): SsoProviderInfo[] {
	try {
		return providerList(JSON.parse(readLocal(STORAGE_KEY, storage) ?? 'null'));
	} catch {
		return [];
	}
}

/** The relay's providers, kept for next time; null when the relay cannot be reached (then the kept list stands). */
export async function fetchProviders(fetchFn: typeof fetch = fetch, storage?: LocalStore | null): Promise<SsoProviderInfo[] | null> {
	try {
		const response = await fetchFn('/api/auth/providers', { cache: 'no-store' });
		// An older relay without single sign-on answers 404: no providers.
		const providers = response.ok ? providerList(await response.json()) : response.status === 404 ? [] : null;
		if (providers) writeLocal(STORAGE_KEY, JSON.stringify({ providers }), storage);
		return providers;
	} catch {
		return null;
	}
}

/** Trades the hand-off code for a session; a 401 means it was used or is older than the relay keeps it. */
export function redeemHandOff(code: string, fetchFn: typeof fetch = fetch): Promise<LoginResult> {
	return postForSession('/api/auth/sso/session', { code }, fetchFn);
}
