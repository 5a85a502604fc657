import { describe, expect, it } from 'vitest';
import type { LocalStore } from '$lib/safe-local-storage';
import { cachedProviders, fetchProviders, providerList, readSsoReturn } from './sso';

const memory = (): LocalStore => {
	const m = new Map<string, string>();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
};
const gfms = { id: 'gfms', name: 'GFMS', start: '/api/auth/oidc/gfms/start' };

describe('single sign-on in the app', () => {
	it('reads what the relay sent back in the fragment', () => {
		expect(readSsoReturn('#sso=abc_123')).toEqual({ kind: 'code', code: 'abc_123' });
		expect(readSsoReturn('#sso-error=no-rule&provider=acme')).toEqual({ kind: 'refused', reason: 'no-rule', provider: 'acme' });
		expect(readSsoReturn('#sso-error=made-up')).toEqual({ kind: 'refused', reason: 'failed', provider: '' });
		expect(readSsoReturn('')).toBeNull();
		expect(readSsoReturn('#other')).toBeNull();
	});

	it('keeps only well-formed providers that start at the relay', () => {
		expect(providerList({ providers: [gfms, { id: 'x', name: 'X', start: 'https://evil.example/' }, { id: 1 }] })).toEqual([gfms]);
		expect(providerList(null)).toEqual([]);
	});

	it('remembers the providers for offline, and keeps them when the relay cannot be reached', async () => {
		const storage = memory();
		const answer = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status });
		expect(await fetchProviders(answer(200, { providers: [gfms] }), storage)).toEqual([gfms]);
		expect(cachedProviders(storage)).toEqual([gfms]);
		expect(await fetchProviders(() => Promise.reject(new TypeError('offline')), storage)).toBeNull();
		expect(await fetchProviders(answer(503, {}), storage)).toBeNull();
		expect(cachedProviders(storage)).toEqual([gfms]);
		// A relay without single sign-on: no buttons.
		expect(await fetchProviders(answer(404, { error: 'no API' }), storage)).toEqual([]);
		expect(cachedProviders(storage)).toEqual([]);
	});
});
