// Reads no UI state. Dates, sizes and durations for the report, with Intl (built into browsers and Node, offline).
// A report states full dates (it is read months later), unlike the app's "today" and "yesterday".
import type { ReportLocale } from './schema';

const TAGS: Record<ReportLocale, string> = { en: 'en-GB', cs: 'cs-CZ', de: 'de-DE' };

export interface ReportFormat {
	dateTime(at: number): string;
	/** "2.4 MB (2,400,000 bytes)": readable, and exact for a checker. */
	size(bytes: number): string;
	duration(ms: number): string;
}

export function reportFormat(locale: ReportLocale, timeZone?: string): ReportFormat {
	const tag = TAGS[locale];
	const dates = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone });
	const exact = new Intl.NumberFormat(tag);
	const short = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
	return {
		dateTime: (at) => dates.format(at),
		size(bytes) {
			const [unit, value] = bytes >= 1e9 ? ['GB', bytes / 1e9] : bytes >= 1e6 ? ['MB', bytes / 1e6] : bytes >= 1e3 ? ['kB', bytes / 1e3] : ['B', bytes];
			return unit === 'B' ? `${exact.format(bytes)} B` : `${short.format(value as number)} ${unit} (${exact.format(bytes)} B)`;
		},
		duration(ms) {
			const seconds = Math.max(0, Math.round(ms / 1000));
			const h = Math.floor(seconds / 3600);
			const min = Math.floor((seconds % 3600) / 60);
			const s = seconds % 60;
			if (h > 0) return `${h} h ${min} min`;
			return min > 0 ? `${min} min ${s} s` : `${s} s`;
		}
	};
}
