import { describe, expect, it } from 'vitest';
import { cs, en, format, localeFromLanguages } from './messages';

describe('messages', () => {
	it('follows the browser language: Czech for cs, English otherwise', () => {
		expect(localeFromLanguages(['cs-CZ', 'en'])).toBe('cs');
		expect(localeFromLanguages(['de-DE', 'cs'])).toBe('en');
		expect(localeFromLanguages([])).toBe('en');
	});
	it("uses the Czech manual's words for the contract labels", () => {
		expect(format('cs', 'nav.main')).toBe('Konference');
		expect(format('cs', 'login.username')).toBe('Uživatelské jméno');
		expect(format('cs', 'login.submit')).toBe('Přihlásit se');
		expect(format('en', 'login.password')).toBe('Password');
	});
	it('translates every key and fills parameters', () => {
		for (const key of Object.keys(en) as (keyof typeof en)[]) expect(cs[key], key).toBeTruthy();
		expect(format('en', 'session.signedInAs', { name: 'Anna', org: 'Acme' })).toBe('Signed in as Anna (Acme)');
	});
});
