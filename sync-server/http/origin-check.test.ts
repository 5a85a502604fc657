import { describe, expect, it } from 'vitest';
import { checkOrigin, isStateChanging } from './origin-check.ts';

describe('the Origin check', () => {
	const allowed = ['https://app.example.org'];

	it('allows requests without Origin (programs, not browsers)', () => {
		expect(checkOrigin(undefined, ['relay.example.org'], [])).toEqual({ allowed: true });
	});

	it("allows the relay's own pages, with or without the scheme's implied port", () => {
		expect(checkOrigin('http://localhost:3030', ['localhost:3030'], []).allowed).toBe(true);
		expect(checkOrigin('https://relay.example.org', ['relay.example.org:443'], []).allowed).toBe(true);
		expect(checkOrigin('https://Relay.Example.org', ['relay.example.org'], []).allowed).toBe(true);
		// Behind a proxy the forwarded host counts too.
		expect(checkOrigin('https://relay.example.org', ['127.0.0.1:3030', 'relay.example.org'], []).allowed).toBe(true);
	});

	it('allows the configured origins', () => {
		expect(checkOrigin('https://app.example.org', ['relay.example.org'], allowed).allowed).toBe(true);
	});

	it.each([
		['another site', 'https://evil.example.com'],
		['the same host on another port', 'http://localhost:3031'],
		['an allowed host over the wrong scheme', 'http://app.example.org'],
		['a sandboxed page', 'null'],
		['garbage', '::::'],
		['a non-web scheme', 'file:///etc']
	])('refuses %s with a clear error', (_name, origin) => {
		const decision = checkOrigin(origin, ['localhost:3030'], allowed);
		expect(decision.allowed).toBe(false);
		if (!decision.allowed) expect(decision.error).toMatch(/may not use this relay.*ALLOWED_ORIGINS/);
	});

	it('checks only requests that change something', () => {
		expect(['GET', 'HEAD', 'OPTIONS', undefined].map(isStateChanging)).toEqual([false, false, false, false]);
		expect(['POST', 'PUT', 'DELETE', 'PATCH', 'post'].map(isStateChanging)).toEqual([true, true, true, true, true]);
	});
});
