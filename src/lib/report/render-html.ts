// Reads no UI state. The service report as HTML, from its record alone: the app shows it (and prints it to PDF)
// and the bundle's report.html is the same markup in a whole document with its stylesheet, made on a tablet or on
// the relay alike. Every word people typed is escaped; pictures come from `assets` (inline SVG for boards; for
// photos, on screen the photo's object URL or its thumbnail's, in report.html the thumbnail inline as a data: URL
// linked to the photo's file in the bundle). A reply quotes the message it answers, an edited message says when, a
// deleted one says only that it was deleted, and mentions are marked.
import { firstLine, splitMentions } from '../model/message-text';
import { cssString, esc } from './escape';
import { reportFormat, type ReportFormat } from './report-format';
import { reportText, type ReportText } from './report-messages';
import type { ReportFile, ReportLocale, ServiceReport, TimelineEntry } from './schema';
import { REPORT_CSS } from './report-css';

export interface ReportAssets {
	/** The board drawn as inline SVG, or null when its document is not here. */
	whiteboardSvg(id: string): string | null;
	/**
	 * A photo's picture: `src` is where it loads from ('' when the app sets it later, by the img's data-photo), `link`
	 * where the whole photo is (report.html: its file in the bundle); null when there is no picture of it here.
	 */
	photo(sha256: string): { src: string; link: string | null } | null;
}

export interface RenderOptions {
	locale: ReportLocale;
	assets: ReportAssets;
	/** For dates and times; the runtime's own zone when not given. */
	timeZone?: string;
}

interface Ctx {
	r: ServiceReport;
	t: ReportText;
	f: ReportFormat;
	assets: ReportAssets;
	name: (id: string) => string;
	missing: ReadonlySet<string>;
	entries: ReadonlyMap<string, TimelineEntry>;
	files: ReadonlyMap<string, ReportFile>;
}

/** The report's article: what the app shows inside its report screen. */
export function reportBodyHtml(r: ServiceReport, options: RenderOptions): string {
	const names = new Map(r.members.map((m) => [m.id as string, m.name]));
	const c: Ctx = {
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

function header({ r, t, f }: Ctx): string {
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

function people({ r, t, f }: Ctx): string {
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

function timeline(c: Ctx): string {
	const entries = c.r.timeline.map((e) => `<li class="entry entry-${e.kind}" id="m-${esc(e.id)}"><p class="meta"><strong>${esc(c.name(e.author))}</strong> <time>${esc(c.f.dateTime(e.at))}</time></p>${entryBody(c, e)}</li>`);
	return `<section class="timeline"><h2>${esc(c.t('doc.timeline'))}</h2><ol>${entries.join('')}</ol></section>`;
}

type EventEntry = Exclude<TimelineEntry, { kind: 'text' }>;

function entryBody(c: Ctx, e: TimelineEntry): string {
	switch (e.kind) {
		case 'text':
			return textBody(c, e);
		case 'event':
		case 'call':
			return `<p class="event">${esc(eventLine(c, e))}</p>`;
		case 'whiteboard': {
			const board = c.r.whiteboards.find((w) => w.id === e.whiteboard);
			const svg = c.assets.whiteboardSvg(e.whiteboard);
			const title = board?.title ?? e.whiteboard;
			const picture = svg ? `<div class="board" role="img" aria-label="${esc(title)}">${svg}</div>` : `<p class="missing">${esc(c.t('doc.boardMissing'))}</p>`;
			return `<p class="event">${esc(eventLine(c, e))}</p><figure>${picture}<figcaption>${esc(title)}${board?.elementCount != null ? ` · ${esc(c.t('doc.elements', { n: board.elementCount }))}` : ''}</figcaption></figure>`;
		}
		case 'file': {
			const gone = c.missing.has(e.sha256) ? ` <span class="missing">(${esc(c.t('doc.notHere'))})</span>` : '';
			return `<p class="event">${esc(eventLine(c, e))}${gone}</p>${e.photo ? photoFigure(c, e.sha256) : ''}`;
		}
	}
}

/** What an entry other than a text says, in one line: in the timeline, and in the quote of a reply to it. */
function eventLine(c: Ctx, e: EventEntry): string {
	const { t } = c;
	const names = (ids: readonly string[]) => ids.map(c.name).join(', ');
	switch (e.kind) {
		case 'event': {
			const key = e.event === 'created' ? 'doc.created' : e.event === 'left' ? 'doc.left' : e.event === 'members-added' ? 'doc.added' : 'doc.removedPeople';
			return t(key, { names: names(e.members) });
		}
		case 'whiteboard':
			return t('doc.whiteboardStarted', { title: c.r.whiteboards.find((w) => w.id === e.whiteboard)?.title ?? e.whiteboard });
		case 'file': {
			const file = c.files.get(e.sha256);
			const name = file?.name ?? e.sha256;
			return e.voiceNote && file?.durationMs != null ? t('doc.voiceNote', { duration: c.f.duration(file.durationMs), name }) : t('doc.fileShared', { name });
		}
		case 'call':
			return e.event === 'started' ? t('doc.callStarted') : t('doc.callEnded', { duration: c.f.duration(e.durationMs ?? 0), people: names(e.participants) });
	}
}

/** A message: the one it answers quoted, its text with mentions marked and when it was edited; or only that it was deleted. */
function textBody(c: Ctx, e: Extract<TimelineEntry, { kind: 'text' }>): string {
	if (e.deletedAt !== null) return `<p class="deleted">${esc(c.t('doc.deleted'))} <span class="when">(${esc(c.f.dateTime(e.deletedAt))})</span></p>`;
	const named = e.mentions.map((id) => ({ id, name: c.name(id) }));
	const text = splitMentions(e.text, named)
		.map((s) => (s.kind === 'mention' ? `<span class="mention">${esc(s.text)}</span>` : esc(s.text)))
		.join('');
	const edited = e.editedAt !== null ? ` <span class="when">(${esc(c.t('doc.edited', { at: c.f.dateTime(e.editedAt) }))})</span>` : '';
	return `${e.replyTo !== null ? quote(c, e.replyTo) : ''}<p class="text">${text}${edited}</p>`;
}

/** Who wrote the message a reply answers and its first line (or that it was deleted), linked to it. */
function quote(c: Ctx, id: string): string {
	const quoted = c.entries.get(id);
	if (!quoted) return `<p class="quote gone">${esc(c.t('doc.quoteGone'))}</p>`;
	const deleted = quoted.kind === 'text' && quoted.deletedAt !== null;
	const line = quoted.kind !== 'text' ? eventLine(c, quoted) : deleted ? c.t('doc.deleted') : firstLine(quoted.text);
	return `<a class="quote" href="#m-${esc(id)}"><strong>${esc(c.name(quoted.author))}</strong> <span${deleted ? ' class="deleted"' : ''}>${esc(line)}</span></a>`;
}

function photoFigure(c: Ctx, sha256: string): string {
	const photo = c.assets.photo(sha256);
	if (!photo) return '';
	const file = c.files.get(sha256);
	const name = file?.name ?? sha256;
	// The thumbnail has the photo's proportions: the picture takes the same place whichever of the two it shows, so
	// nothing moves when the photo replaces its thumbnail.
	const ratio = file?.thumbnail ? ` style="--ratio:${(file.thumbnail.width / file.thumbnail.height).toFixed(4)}"` : '';
	// An empty source: the app sets the URL on the img later, by its data-photo.
	const img = `<img${photo.src ? ` src="${esc(photo.src)}"` : ''} data-photo="${sha256}" alt="${esc(name)}"${ratio} decoding="async">`;
	if (!photo.link) return `<figure>${img}</figure>`;
	return `<figure><a href="${esc(photo.link)}">${img}</a><figcaption><a href="${esc(photo.link)}">${esc(file?.path ?? name)}</a></figcaption></figure>`;
}

function whiteboards({ r, t, f, name }: Ctx): string {
	if (r.whiteboards.length === 0) return section('whiteboards', t('doc.whiteboards'), `<p class="muted">${esc(t('doc.noWhiteboards'))}</p>`);
	const items = r.whiteboards.map(
		(w) => `<li><strong>${esc(w.title)}</strong> <span class="muted">${esc(name(w.createdBy))}, ${esc(f.dateTime(w.createdAt))}${w.elementCount != null ? `, ${esc(t('doc.elements', { n: w.elementCount }))}` : ''} · <code>${esc(w.path)}</code></span></li>`
	);
	return section('whiteboards', t('doc.whiteboards'), `<ul>${items.join('')}</ul>`);
}

function files({ r, t, f, name, missing }: Ctx): string {
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

function calls({ r, t, f, name }: Ctx): string {
	if (r.calls.length === 0) return section('calls', t('doc.calls'), `<p class="muted">${esc(t('doc.noCalls'))}</p>`);
	const head = ['doc.started', 'doc.ended', 'doc.duration', 'doc.who'] as const;
	const rows = r.calls.map(
		(call) =>
			`<tr><td>${esc(f.dateTime(call.startedAt))}</td><td>${esc(call.endedAt === null ? t('doc.notEnded') : f.dateTime(call.endedAt))}</td><td>${esc(call.durationMs === null ? '–' : f.duration(call.durationMs))}</td><td>${esc(call.participants.map(name).join(', '))}</td></tr>`
	);
	return section('calls', t('doc.calls'), `<table><thead><tr>${head.map((k) => `<th>${esc(t(k))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
}

function footer({ r, t, f }: Ctx): string {
	const where = t(r.generatedBy.on === 'relay' ? 'doc.onRelay' : 'doc.onDevice');
	return `<footer class="report-foot"><p>${esc(t('doc.generated', { at: f.dateTime(r.generatedAt), name: r.generatedBy.name, where, entries: r.timeline.length }))}</p><p>${esc(t('doc.checkHint'))}</p></footer>`;
}

const section = (kind: string, title: string, body: string) => `<section class="${kind}"><h2>${esc(title)}</h2>${body}</section>`;
