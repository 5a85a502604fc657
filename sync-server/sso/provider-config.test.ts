import { describe, expect, it } from 'vitest';
import { parseSsoProviders } from './provider-config.ts';

const gfms = { id: 'gfms', name: 'GFMS', issuer: 'https://login.gfms.example/realms/staff', clientId: 'caseroom', clientSecret: 's3cret', rules: [{ emailDomain: 'gfms.example', org: 'gfms', role: 'engineer' }] };
const parse = (value: unknown) => parseSsoProviders(JSON.stringify(value), 'OIDC_PROVIDERS');
const withRule = (rule: object) => [{ ...gfms, rules: [rule] }];

describe('single sign-on configuration', () => {
	it('reads several providers, with defaults', () => {
		const acme = { ...gfms, id: 'acme', name: 'Acme Precision', issuer: 'https://idp.acme.example', scopes: ['openid', 'email', 'groups'], prompt: 'login', rules: [{ claim: 'groups', value: 'caseroom', org: 'acme', role: 'customer' }, { anyone: true, org: 'acme', role: 'customer' }] };
		expect(parse([gfms, acme])).toEqual([
			{ id: 'gfms', name: 'GFMS', issuer: gfms.issuer, clientId: 'caseroom', clientSecret: 's3cret', scopes: ['openid', 'email', 'profile'], prompt: null, rules: [{ emailDomains: ['gfms.example'], org: 'gfms', role: 'engineer' }] },
			{ id: 'acme', name: 'Acme Precision', issuer: acme.issuer, clientId: 'caseroom', clientSecret: 's3cret', scopes: ['openid', 'email', 'groups'], prompt: 'login', rules: [{ claim: 'groups', value: 'caseroom', org: 'acme', role: 'customer' }, { anyone: true, org: 'acme', role: 'customer' }] }
		]);
		expect(parse(withRule({ emailDomain: ['@GFMS.example', 'gfms.com'], org: 'gfms', role: 'engineer' }))[0]!.rules[0]!.emailDomains).toEqual(['gfms.example', 'gfms.com']);
		// http:// only for an issuer on this machine.
		expect(parse([{ ...gfms, issuer: 'http://localhost:8080' }])[0]!.issuer).toBe('http://localhost:8080');
		expect(parse([{ ...gfms, issuer: 'http://127.0.0.2:8080' }])[0]!.issuer).toBe('http://127.0.0.2:8080');
	});

	it('says what is wrong, naming the place', () => {
		const cases: [unknown, RegExp][] = [
			[{}, /must be a JSON array/],
			[[{ ...gfms, issuer: 'http://login.gfms.example' }], /\[0\]\.issuer must be the provider's https:\/\/ issuer URL/],
			[[{ ...gfms, id: 'GFMS Staff' }], /\[0\]\.id must be 1-32 lower-case/],
			[[{ ...gfms, clientSecret: '' }], /\[0\]\.clientSecret must be a non-empty string/],
			[[{ ...gfms, clientsecret: 'x' }], /unknown field "clientsecret"/],
			[[gfms, gfms], /two providers have the id "gfms"/],
			[[{ ...gfms, rules: [] }], /rules must be a non-empty array/],
			[[{ ...gfms, scopes: ['email'] }], /scopes must include "openid"/],
			[withRule({ org: 'gfms', role: 'engineer' }), /rules\[0\] needs a condition/],
			[withRule({ emailDomain: 'gfms.example', org: 'gfms', role: 'boss' }), /role must be one of engineer, customer/],
			[withRule({ claim: 'groups', org: 'gfms', role: 'engineer' }), /"claim" and "value" go together/],
			[withRule({ emailDomain: 'not a domain', org: 'gfms', role: 'engineer' }), /emailDomain must be domains/],
			[withRule({ anyone: true, emailDomain: 'gfms.example', org: 'gfms', role: 'engineer' }), /"anyone" cannot be combined/]
		];
		for (const [value, message] of cases) expect(() => parse(value), JSON.stringify(value)).toThrow(message);
		expect(() => parseSsoProviders('[{', 'OIDC_PROVIDERS_FILE (sso.json)')).toThrow(/OIDC_PROVIDERS_FILE \(sso.json\) is not valid JSON/);
	});
});
