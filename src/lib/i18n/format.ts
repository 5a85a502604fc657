// Reads no UI state. Times, days and sizes in the person's language (Intl: built into every browser, offline).
import type { Locale } from './messages';

const tags: Record<Locale, string> = { en: 'en-GB', cs: 'cs-CZ', de: 'de-DE' };
const tag = (locale: Locale) => tags[locale];

// Making an Intl formatter costs far more than using one, and a list of 500 files asks for a thousand: one each.
const made = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dates(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `d ${locale} ${JSON.stringify(options)}`;
	let format = made.get(key) as Intl.DateTimeFormat | undefined;
	if (!format) made.set(key, (format = new Intl.DateTimeFormat(tag(locale), options)));
	return format;
}
function numbers(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	const key = `n ${locale} ${JSON.stringify(options)}`;
	let format = made.get(key) as Intl.NumberFormat | undefined;
	if (!format) made.set(key, (format = new Intl.NumberFormat(tag(locale), options)));
	return format;
}

export function formatTime(at: number, locale: Locale, options: { seconds?: boolean } = {}): string {
	return dates(locale, { hour: '2-digit', minute: '2-digit', second: options.seconds ? '2-digit' : undefined }).format(at);
}

/** A moment with its date, for logs (the admin page's audit log). */
export function formatDateTime(at: number, locale: Locale): string {
	return dates(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** "Today" and "Yesterday" come from the caller's catalogue; other days by date, with the year when it is not this one. */
export function dayLabel(at: number, now: number, locale: Locale, words: { today: string; yesterday: string }): string {
	const day = startOfDay(at);
	const today = startOfDay(now);
	if (day === today) return words.today;
	if (day === startOfDay(today - 12 * 3600_000)) return words.yesterday;
	const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
	return dates(locale, { weekday: 'long', day: 'numeric', month: 'long', year: sameYear ? undefined : 'numeric' }).format(at);
}

/** For the conversation list: the time today, the date otherwise. */
export function shortWhen(at: number, now: number, locale: Locale): string {
	if (startOfDay(at) === startOfDay(now)) return formatTime(at, locale);
	return dates(locale, { day: 'numeric', month: 'short' }).format(at);
}

export function formatBytes(bytes: number, locale: Locale): string {
	const units = ['B', 'kB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	const digits = unit === 0 || value >= 100 ? 0 : 1;
	return `${numbers(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

function startOfDay(at: number): number {
	const d = new Date(at);
	d.setHours(0, 0, 0, 0);
	return d.getTime();
}

/** A recording's length or position, "0:07", "12:05", "1:02:03": the same in every language. */
export function formatDuration(ms: number): string {
	const total = Number.isFinite(ms) && ms > 0 ? Math.round(ms / 1000) : 0;
	const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
	const ss = String(seconds).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}
