// Reads no UI state. The report's timeline as HTML: each entry under its author and time; a reply under a quote of the
// message it answers (its author and first line, or that it was deleted), an edited message with when, a deleted one
// only as deleted, mentions marked, a voice note with its length, a board drawn, a photo as its picture: on screen the
// photo's object URL or its thumbnail's, in report.html the thumbnail inline as a data: URL linked to the photo's file
// in the bundle. Every word people typed is escaped.
import { firstLine, splitMentions } from '../model/message-text';
import { esc } from './escape';
import type { ReportFormat } from './report-format';
import type { ReportText } from './report-messages';
import type { ReportFile, ServiceReport, TimelineEntry } from './schema';

export interface ReportAssets {
	/** The board drawn as inline SVG, or null when its document is not here. */
	whiteboardSvg(id: string): string | null;
	/**
	 * A photo's picture: `src` is where it loads from ('' when the app sets it later, by the img's data-photo), `link`
	 * where the whole photo is (report.html: its file in the bundle); null when there is no picture of it here.
	 */
	photo(sha256: string): { src: string; link: string | null } | null;
}

/** What the report's parts are drawn with. */
export interface RenderContext {
	r: ServiceReport;
	t: ReportText;
	f: ReportFormat;
	assets: ReportAssets;
	name: (id: string) => string;
	missing: ReadonlySet<string>;
	entries: ReadonlyMap<string, TimelineEntry>;
	files: ReadonlyMap<string, ReportFile>;
}

export function timeline(c: RenderContext): string {
	const entries = c.r.timeline.map((e) => `<li class="entry entry-${e.kind}" id="m-${esc(e.id)}"><p class="meta"><strong>${esc(c.name(e.author))}</strong> <time>${esc(c.f.dateTime(e.at))}</time></p>${entryBody(c, e)}</li>`);
	return `<section class="timeline"><h2>${esc(c.t('doc.timeline'))}</h2><ol>${entries.join('')}</ol></section>`;
}

type EventEntry = Exclude<TimelineEntry, { kind: 'text' }>;

function entryBody(c: RenderContext, e: TimelineEntry): string {
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
function eventLine(c: RenderContext, e: EventEntry): string {
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
function textBody(c: RenderContext, e: Extract<TimelineEntry, { kind: 'text' }>): string {
	if (e.deletedAt !== null) return `<p class="deleted">${esc(c.t('doc.deleted'))} <span class="when">(${esc(c.f.dateTime(e.deletedAt))})</span></p>`;
	const named = e.mentions.map((id) => ({ id, name: c.name(id) }));
	const text = splitMentions(e.text, named)
		.map((s) => (s.kind === 'mention' ? `<span class="mention">${esc(s.text)}</span>` : esc(s.text)))
		.join('');
	const edited = e.editedAt !== null ? ` <span class="when">(${esc(c.t('doc.edited', { at: c.f.dateTime(e.editedAt) }))})</span>` : '';
	return `${e.replyTo !== null ? quote(c, e.replyTo) : ''}<p class="text">${text}${edited}</p>`;
}

/** Who wrote the message a reply answers and its first line (or that it was deleted), linked to it. */
function quote(c: RenderContext, id: string): string {
	const quoted = c.entries.get(id);
	if (!quoted) return `<p class="quote gone">${esc(c.t('doc.quoteGone'))}</p>`;
	const deleted = quoted.kind === 'text' && quoted.deletedAt !== null;
	const line = quoted.kind !== 'text' ? eventLine(c, quoted) : deleted ? c.t('doc.deleted') : firstLine(quoted.text);
	return `<a class="quote" href="#m-${esc(id)}"><strong>${esc(c.name(quoted.author))}</strong> <span${deleted ? ' class="deleted"' : ''}>${esc(line)}</span></a>`;
}

function photoFigure(c: RenderContext, sha256: string): string {
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
