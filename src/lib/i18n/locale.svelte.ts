// The person's language as reactive state: from the browser, switchable, remembered on this device.
import { readLocal, writeLocal } from '$lib/safe-local-storage';
import { format, localeFromLanguages, locales, type Locale, type MessageKey } from './messages';

const STORAGE_KEY = 'caseroom.locale';

class LocaleState {
	#current = $state<Locale>('en');

	constructor() {
		if (typeof window === 'undefined') return;
		const saved = readLocal(STORAGE_KEY);
		this.#current = locales.includes(saved as Locale) ? (saved as Locale) : localeFromLanguages(navigator.languages ?? [navigator.language]);
		document.documentElement.lang = this.#current;
	}

	get current() {
		return this.#current;
	}

	set current(locale: Locale) {
		this.#current = locale;
		writeLocal(STORAGE_KEY, locale); // a full device forgets the choice at the next reload, nothing more
		document.documentElement.lang = locale;
	}

	t = (key: MessageKey, params?: Record<string, string | number>) => format(this.#current, key, params);
}

export const locale = new LocaleState();
export const t = locale.t;
