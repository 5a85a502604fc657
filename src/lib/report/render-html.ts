// Reads no UI state. The service report as HTML, from its record alone: the app shows it (and prints it to PDF)
// and the bundle's report.html is the same markup in a whole document with its stylesheet, made on a tablet or on
// the relay alike. Every word people typed is escaped; pictures come from `assets` (render-timeline.ts).
import { cssString, esc } from './escape';
import { reportFormat } from './report-format';
import { reportText } from './report-messages';
import type { ReportLocale, ServiceReport } from './schema';
import { REPORT_CSS } from './report-css';
import { timeline, type RenderContext, type ReportAssets } from './render-timeline';

export type { ReportAssets } from './render-timeline';

export interface RenderOptions {
	locale: ReportLocale;
	assets: ReportAssets;
	/** For dates and times; the runtime's own zone when not given. */
	timeZone?: string;
}

/** The report's article: what the app shows inside its report screen. */
export function reportBodyHtml(r: ServiceReport, options: RenderOptions): string {
	const names = new Map(r.members.map((m) => [m.id as string, m.name]));
	const c: RenderContext = {
		r,
		t: reportText(options.locale),
		f: reportFormat(options.locale, options.timeZone),
		assets: options.assets,
		name: (id) => names.get(id) ?? id,
		missing: new Set(r.bundle.missingFiles),
		entries: new Map(r.timeline.map((e) => [e.id as string, e])),
		files: new Map(r.files.map((f) => [f.sha256, f]))
	};
	return `<article class="service-report" lang="${options.locale}">${[header(c), people(c), timeline(c), whiteboards(c), files(c), calls(c), footer(c)].join('')}</article>`;
}

/** report.html: a whole document that opens offline in any browser, its stylesheet inside. */
export function reportDocumentHtml(r: ServiceReport, options: RenderOptions): string {
	const t = reportText(options.locale);
	return `<!doctype html><html lang="${options.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<title>${esc(`${t('doc.title')}: ${headline(r)}`)}</title><style>${REPORT_CSS}${printHeaderCss(r, options.locale)}</style></head>` +
		`<body>${reportBodyHtml(r, options)}</body></html>`;
}

/** The case (or the conversation's title) in every printed page's header, and the page numbers in its footer. */
export function printHeaderCss(r: ServiceReport, locale: ReportLocale): string {
	const [before, middle, after] = reportText(locale)('doc.page', { page: '\u0000', pages: '\u0000' }).split('\u0000');
	const pages = `"${cssString(before ?? '')}" counter(page) "${cssString(middle ?? '')}" counter(pages) "${cssString(after ?? '')}"`;
	return `@page{@top-left{content:"${cssString(headline(r))}"}@bottom-right{content:${pages}}}`;
}

const headline = (r: ServiceReport) => (r.case ? `${r.case.number} ${r.case.title}` : r.conversation.title);

function header({ r, t, f }: RenderContext): string {
	const caseRows = r.case
		? row(t('doc.case'), `<strong>${esc(r.case.number)}</strong>`) + (r.case.machine ? row(t('doc.machine'), esc(r.case.machine)) : '') + row(t('doc.problem'), esc(r.case.title))
		: row(t('doc.case'), esc(t('doc.noCase')));
	const kind = r.conversation.kind === 'case' ? t('doc.caseChat') : t('doc.direct');
	return (
		`<header class="report-head"><p class="kicker">${esc(t('doc.title'))}</p><h1>${esc(headline(r))}</h1><dl class="facts">${caseRows}` +
		row(t('doc.conversation'), `${esc(r.conversation.title)} <span class="muted">(${esc(kind)})</span>`) +
		row(t('doc.period'), esc(t('doc.periodValue', { from: f.dateTime(r.period.from), to: f.dateTime(r.period.to) }))) +
		`</dl></header>`
	);
}

const row = (term: string, value: string) => `<div><dt>${esc(term)}</dt><dd>${value}</dd></div>`;

function people({ r, t, f }: RenderContext): string {
	const orgName = new Map(r.organisations.map((o) => [o.id as string, o.name]));
	const orgs = r.organisations.map((o) => `<li>${esc(o.name)}</li>`).join('');
	const members = r.members
		.map((m) => {
			const detail = [m.organisation ? orgName.get(m.organisation) ?? m.organisation : null, m.role ? t(m.role === 'engineer' ? 'doc.engineer' : 'doc.customer') : null]
				.filter((x): x is string => x !== null)
				.join(', ');
			const removed = m.removedAt !== undefined ? ` <span class="muted">(${esc(t('doc.removed', { at: f.dateTime(m.removedAt) }))})</span>` : '';
			return `<li><strong>${esc(m.name)}</strong>${detail ? ` <span class="muted">${esc(detail)}</span>` : ''}${removed}</li>`;
		})
		.join('');
	return `<section class="people"><div><h2>${esc(t('doc.organisations'))}</h2><ul>${orgs}</ul></div><div><h2>${esc(t('doc.members'))}</h2><ul>${members}</ul></div></section>`;
}

function whiteboards({ r, t, f, name }: RenderContext): string {
	if (r.whiteboards.length === 0) return section('whiteboards', t('doc.whiteboards'), `<p class="muted">${esc(t('doc.noWhiteboards'))}</p>`);
	const items = r.whiteboards.map(
		(w) => `<li><strong>${esc(w.title)}</strong> <span class="muted">${esc(name(w.createdBy))}, ${esc(f.dateTime(w.createdAt))}${w.elementCount != null ? `, ${esc(t('doc.elements', { n: w.elementCount }))}` : ''} · <code>${esc(w.path)}</code></span></li>`
	);
	return section('whiteboards', t('doc.whiteboards'), `<ul>${items.join('')}</ul>`);
}

function files({ r, t, f, name, missing }: RenderContext): string {
	if (r.files.length === 0) return section('files', t('doc.files'), `<p class="muted">${esc(t('doc.noFiles'))}</p>`);
	const head = ['doc.name', 'doc.type', 'doc.size', 'doc.sharedBy', 'doc.when'] as const;
	const rows = r.files.map(
		(x) =>
			`<tr><td>${esc(x.name)}${missing.has(x.sha256) ? ` <span class="missing">(${esc(t('doc.notHere'))})</span>` : ''}</td><td>${esc(x.type)}${x.durationMs !== null ? `, ${esc(f.duration(x.durationMs))}` : ''}</td><td>${esc(f.size(x.size))}</td><td>${esc(name(x.sharedBy))}</td><td>${esc(f.dateTime(x.sharedAt))}</td></tr>` +
			`<tr class="hash"><td colspan="5"><span class="muted">${esc(t('doc.sha256'))}</span> <code>${x.sha256}</code></td></tr>`
	);
	const note = missing.size > 0 ? `<p class="missing-note" role="note">${esc(t('doc.missingFiles', { missing: missing.size, total: r.files.length }))}</p>` : '';
	return section('files', t('doc.files'), `${note}<table><thead><tr>${head.map((k) => `<th>${esc(t(k))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
}

function calls({ r, t, f, name }: RenderContext): string {
	if (r.calls.length === 0) return section('calls', t('doc.calls'), `<p class="muted">${esc(t('doc.noCalls'))}</p>`);
	const head = ['doc.started', 'doc.ended', 'doc.duration', 'doc.who'] as const;
	const rows = r.calls.map(
		(call) =>
			`<tr><td>${esc(f.dateTime(call.startedAt))}</td><td>${esc(call.endedAt === null ? t('doc.notEnded') : f.dateTime(call.endedAt))}</td><td>${esc(call.durationMs === null ? '–' : f.duration(call.durationMs))}</td><td>${esc(call.participants.map(name).join(', '))}</td></tr>`
	);
	return section('calls', t('doc.calls'), `<table><thead><tr>${head.map((k) => `<th>${esc(t(k))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
}

function footer({ r, t, f }: RenderContext): string {
	const where = t(r.generatedBy.on === 'relay' ? 'doc.onRelay' : 'doc.onDevice');
	return `<footer class="report-foot"><p>${esc(t('doc.generated', { at: f.dateTime(r.generatedAt), name: r.generatedBy.name, where, entries: r.timeline.length }))}</p><p>${esc(t('doc.checkHint'))}</p></footer>`;
}

const section = (kind: string, title: string, body: string) => `<section class="${kind}"><h2>${esc(title)}</h2>${body}</section>`;
