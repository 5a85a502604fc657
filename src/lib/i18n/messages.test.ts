import { describe, expect, it } from 'vitest';
import { cs, de, en, format, localeFromLanguages } from './messages';

describe('messages', () => {
	it('follows the browser language: Czech for cs, German for de, English otherwise', () => {
		expect(localeFromLanguages(['cs-CZ', 'en'])).toBe('cs');
		expect(localeFromLanguages(['de-DE', 'cs'])).toBe('de');
		expect(localeFromLanguages(['de-AT'])).toBe('de');
		expect(localeFromLanguages(['fr-FR', 'de'])).toBe('en');
		expect(localeFromLanguages([])).toBe('en');
	});
	it("uses the Czech manual's words for the contract labels", () => {
		expect(format('cs', 'nav.main')).toBe('Konference');
		expect(format('cs', 'login.username')).toBe('Uživatelské jméno');
		expect(format('cs', 'login.submit')).toBe('Přihlásit se');
		expect(format('en', 'login.password')).toBe('Password');
	});
	it("uses CONTRACT.md's German words for the seed's labels", () => {
		const words = {
			'nav.main': 'Konferenz',
			'list.direct': 'Direkter Chat',
			'list.case': 'Servicefall-Chat',
			'list.new': 'Neue Unterhaltung',
			'new.case': 'Servicefall',
			'new.create': 'Unterhaltung erstellen',
			'call.button': 'Videokonferenz',
			'share.menu': 'Teilen',
			'share.whiteboard': 'Whiteboard-Sitzung',
			'share.upload': 'Neue Datei hochladen',
			'files.upload': 'Hochladen',
			'details.label': 'Details',
			'details.whiteboards': 'Whiteboards',
			'details.files': 'Dateien',
			'messages.field': 'Nachricht',
			'messages.send': 'Senden',
			'files.download': 'Herunterladen',
			'login.username': 'Benutzername',
			'login.password': 'Passwort',
			'login.submit': 'Anmelden'
		} as const;
		for (const [key, word] of Object.entries(words)) expect(format('de', key as keyof typeof words), key).toBe(word);
	});
	it('translates every key and fills parameters', () => {
		for (const key of Object.keys(en) as (keyof typeof en)[]) {
			expect(cs[key], key).toBeTruthy();
			expect(de[key], key).toBeTruthy();
		}
		// The same placeholders in every language, so no translation drops a name or a number.
		const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
		for (const key of Object.keys(en) as (keyof typeof en)[]) {
			expect(placeholders(cs[key]), `cs ${key}`).toBe(placeholders(en[key]));
			expect(placeholders(de[key]), `de ${key}`).toBe(placeholders(en[key]));
		}
		expect(format('en', 'session.signedInAs', { name: 'Anna', org: 'Acme' })).toBe('Signed in as Anna (Acme)');
	});
});
