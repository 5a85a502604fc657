// The service report's kernel on real documents: the record (deterministic, the same from two merged replicas), the
// HTML (every message, escaped, in three languages; replies, edits, deletions, mentions and voice notes as the message
// stream shows them), and the bundle: a real ZIP unpacked with `unzip` and checked with `sha256sum -c`, which must
// fail once one byte of any file changes; a file that is not here is reported missing, its photo still shown from the
// thumbnail inside report.html.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { next as A } from '@automerge/automerge';
import { Resvg } from '@resvg/resvg-js';
import { demoCases, demoOrganisations, demoPeople } from '$lib/model/demo';
import { postMessage } from '$lib/model/conversation';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import { asMessageId, asOrgId, asUserId } from '$lib/model/ids';
import type { Person } from '$lib/model/directory';
import { reportConversation, THUMBNAIL, type ReportConversation } from '../../../tests/helpers/report-conversation';
import { buildReportRecord, bundlePaths, machineOf, thumbnailsOf, type ReportSources } from './build';
import { bytesToBase64 } from './escape';
import { reportFormat } from './report-format';
import { reportBodyHtml, reportDocumentHtml } from './render-html';
import { makeReportBundle } from './report-bundle';
import type { ReportGenerator, TimelineEntry } from './schema';

const people: Person[] = demoPeople.map((p) => ({ id: asUserId(p.username), username: p.username, name: p.name, org: asOrgId(p.org), role: p.role, disabled: false }));
const directory = { organisations: demoOrganisations, people, cases: demoCases };
const petr: ReportGenerator = { id: 'petr', name: 'Petr Novák', on: 'device', language: 'en' };
const temp = mkdtempSync(join(tmpdir(), 'report-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const fixture = reportConversation({ conversationId: 'conv-1', messages: 24, photos: 3, whiteboards: 2 });
const sources = (f: ReportConversation = fixture, doc: ConversationDoc = f.doc): ReportSources => ({ conversationId: 'conv-1', conversation: doc, whiteboards: f.boards, directory });
const noAssets = { whiteboardSvg: () => null, photo: () => null };
const thumbnailUrl = `data:image/jpeg;base64,${bytesToBase64(THUMBNAIL.bytes)}`;

describe('the report record', () => {
	const record = buildReportRecord(sources());

	it('names the case, its machine, the organisations and every member with their role', () => {
		expect(record.case).toEqual({ id: 'SC-1042', number: 'SC-1042', machine: 'CUT P 550', title: 'CUT P 550 – wire breakage during roughing', organisation: 'acme' });
		expect(record.organisations.map((o) => o.name)).toEqual(['Acme Precision s.r.o.', 'GFMS']);
		expect(record.members.map((m) => [m.name, m.organisation, m.role, m.removedAt !== undefined])).toEqual([
			['Anna Horáková', 'acme', 'customer', false],
			['Petr Novák', 'gfms', 'engineer', false],
			['Tomáš Marek', 'acme', 'customer', true]
		]);
		expect(machineOf('FORM P 350 – generator alarm')).toBe('FORM P 350');
		expect(machineOf('Spindle check')).toBeNull();
	});

	it('keeps every message in time order, the boards, files and the call with who was in it and how long', () => {
		const texts = record.timeline.filter((e) => e.kind === 'text');
		expect(texts).toHaveLength(26);
		expect(record.timeline.map((e) => e.at)).toEqual([...record.timeline.map((e) => e.at)].sort((a, b) => a - b));
		expect(record.timeline.filter((e) => e.kind === 'event').map((e) => e.kind === 'event' && e.event)).toEqual(['created', 'members-added', 'left']);
		expect(record.timeline.filter((e) => e.kind === 'file' && e.photo)).toHaveLength(3);
		expect(record.timeline.filter((e) => e.kind === 'file' && e.voiceNote)).toHaveLength(1);
		expect(record.whiteboards.map((w) => [w.title, w.elementCount, w.path])).toEqual([
			['Wire path 1', 5, 'whiteboards/Wire path 1.png'],
			['Wire path 2', 4, 'whiteboards/Wire path 2.png']
		]);
		expect(record.files.map((f) => f.path)).toEqual(['files/generator.log', 'files/voice-note.webm', 'files/photo-1.png', 'files/photo-2.png', 'files/photo-3.png']);
		expect(record.calls).toEqual([expect.objectContaining({ participants: ['anna', 'petr'], durationMs: 14 * 60_000, endedAt: expect.any(Number) })]);
		expect(record.period.from).toBe(fixture.doc.createdAt);
		expect(record.period.to).toBe(Math.max(...fixture.doc.messages.map((m) => m.at)));
	});

	it('is the same on two devices whose messages merged in a different order', () => {
		const base = A.from(fixture.doc as unknown as Record<string, unknown>);
		const a = A.change(A.clone(base), (d) => postMessage(d as unknown as ConversationDoc, { id: asMessageId('m-a'), author: asUserId('petr'), at: 1, text: 'from tablet A' }));
		const b = A.change(A.clone(base), (d) => postMessage(d as unknown as ConversationDoc, { id: asMessageId('m-b'), author: asUserId('anna'), at: 1, text: 'from tablet B' }));
		const onA = buildReportRecord(sources(fixture, A.merge(A.clone(a), b) as unknown as ConversationDoc));
		const onB = buildReportRecord(sources(fixture, A.merge(A.clone(b), a) as unknown as ConversationDoc));
		expect(JSON.stringify(onA)).toBe(JSON.stringify(onB));
		expect(onA.timeline.filter((e) => e.kind === 'text')).toHaveLength(28);
	});

	it('says what a message answers, whom it names, when it was edited or deleted, a voice note’s length and which photos have a thumbnail', () => {
		const text = (id: string) => record.timeline.find((e) => e.id === id && e.kind === 'text') as Extract<TimelineEntry, { kind: 'text' }>;
		expect(text('m-reply')).toMatchObject({ author: 'anna', replyTo: 'm-t1', mentions: ['petr'], editedAt: null, deletedAt: null });
		expect(text('m-t4')).toMatchObject({ text: 'Message 5 (corrected): wire tension 9.0 N, breakage after 24 min', editedAt: expect.any(Number), deletedAt: null });
		expect(text('m-t6')).toMatchObject({ text: '', mentions: [], deletedAt: expect.any(Number) });
		expect(text('m-answer')).toMatchObject({ replyTo: 'm-t6' });
		expect(text('m-t0')).toMatchObject({ replyTo: null, mentions: [], editedAt: null, deletedAt: null });
		const file = (name: string) => record.files.find((f) => f.name === name)!;
		expect(file('voice-note.webm')).toMatchObject({ durationMs: 12_400, thumbnail: null });
		expect(file('photo-1.png')).toMatchObject({ durationMs: null, thumbnail: { type: 'image/jpeg', width: 192, height: 128, size: THUMBNAIL.bytes.length } });
		expect(file('generator.log')).toMatchObject({ durationMs: null, thumbnail: null });
		// The record says a thumbnail is there; its bytes stay in the conversation.
		expect(JSON.stringify(record)).not.toContain(bytesToBase64(THUMBNAIL.bytes).slice(0, 40));
		// A deletion that merged with an edit made at the same time elsewhere still reads as deleted, without the text.
		const merged = structuredClone(fixture.doc);
		Object.assign(merged.messages.find((m) => m.id === 'm-t6')!, { text: 'edited on another tablet' });
		expect(buildReportRecord(sources(fixture, merged)).timeline.find((e) => e.id === 'm-t6')).toMatchObject({ text: '' });
	});

	it('gives every file a safe, unique path in the bundle', () => {
		expect(bundlePaths('files', ['photo.jpg', 'Photo.jpg', '../../etc/passwd', 'a\\b.txt', 'line\nbreak.txt', ''])).toEqual([
			'files/photo.jpg',
			'files/Photo (2).jpg',
			'files/passwd',
			'files/b.txt',
			'files/linebreak.txt',
			'files/file'
		]);
	});
});

describe('the report as HTML', () => {
	const record = buildReportRecord(sources());
	const report = { ...record, generatedAt: Date.UTC(2026, 10, 17, 9), generatedBy: petr, bundle: { missingFiles: [], missingWhiteboards: [] } };

	it('holds every message, the case and the checksums, with nothing typed turned into markup', () => {
		const evil = reportConversation({ conversationId: 'conv-1', messages: 10, photos: 0, whiteboards: 0 });
		postMessage(evil.doc, { id: asMessageId('m-evil'), author: asUserId('anna'), at: Date.now(), text: '<script>alert(1)</script> & "quotes"' });
		const html = reportBodyHtml({ ...report, ...buildReportRecord(sources(evil)) }, { locale: 'en', assets: noAssets, timeZone: 'UTC' });
		expect(html).not.toContain('<script>');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
		const full = reportBodyHtml(report, { locale: 'en', assets: noAssets, timeZone: 'UTC' });
		// Every message's words (a mention is marked up inside its text).
		const words = full.replace(/<[^>]+>/g, '');
		for (const e of record.timeline) if (e.kind === 'text') expect(words).toContain(e.text);
		for (const f of record.files) expect(full).toContain(f.sha256);
		expect(full).toContain('CUT P 550');
		expect(full).toContain('Call ended after 14 min 0 s: Anna Horáková, Petr Novák');
	});

	it('quotes what a reply answers, marks mentions and edits, shows a deleted message only as deleted, and a voice note’s length', () => {
		const f = reportFormat('en', 'UTC');
		const at = (id: string) => fixture.doc.messages.find((m) => m.id === id) as { editedAt?: number; deletedAt?: number };
		const html = reportBodyHtml(report, { locale: 'en', assets: noAssets, timeZone: 'UTC' });
		expect(html).toContain('<a class="quote" href="#m-m-t1"><strong>Petr Novák</strong> <span>Message 2: wire tension 8.5 N, breakage after 21 min</span></a>');
		expect(html).toContain('<p class="text"><span class="mention">@Petr Novák</span> the upper guide is worn, see the photo</p>');
		expect(html).toContain(`Message 5 (corrected): wire tension 9.0 N, breakage after 24 min <span class="when">(edited ${f.dateTime(at('m-t4').editedAt!)})</span>`);
		expect(html).toContain(`<p class="deleted">Message deleted <span class="when">(${f.dateTime(at('m-t6').deletedAt!)})</span></p>`);
		expect(html).toContain('<a class="quote" href="#m-m-t6"><strong>Anna Horáková</strong> <span class="deleted">Message deleted</span></a>');
		expect(html).not.toContain('Message 7:');
		expect(html).toContain('sent a voice note (12 s): voice-note.webm');
		expect(html).toContain('<td>audio/webm, 12 s</td>');
		const words = {
			cs: ['Zpráva smazána', '(upraveno ', 'poslal(a) hlasovou zprávu (12 s): voice-note.webm'],
			de: ['Nachricht gelöscht', '(bearbeitet ', 'hat eine Sprachnachricht gesendet (12 s): voice-note.webm']
		} as const;
		for (const locale of ['cs', 'de'] as const) {
			const translated = reportBodyHtml(report, { locale, assets: noAssets, timeZone: 'UTC' });
			for (const word of words[locale]) expect(translated).toContain(word);
		}
		// A reply to a message that is not in the conversation says so.
		const orphan = { ...report, timeline: report.timeline.filter((e) => e.id !== 'm-t1') };
		expect(reportBodyHtml(orphan, { locale: 'en', assets: noAssets })).toContain('<p class="quote gone">The message this answers is not in the conversation.</p>');
	});

	it('speaks Czech and German, and prints the case and page numbers in the page margins', () => {
		const cs = reportDocumentHtml(report, { locale: 'cs', assets: noAssets, timeZone: 'Europe/Prague' });
		expect(cs).toContain('Servisní zpráva');
		expect(cs).toContain('Strana " counter(page) " z " counter(pages)');
		expect(cs).toContain('@top-left{content:"SC-1042 CUT P 550 – wire breakage during roughing"}');
		const de = reportDocumentHtml(report, { locale: 'de', assets: noAssets, timeZone: 'Europe/Berlin' });
		expect(de).toContain('Servicebericht');
		expect(de).toContain('hat die Unterhaltung verlassen');
	});
});

describe('the bundle', () => {
	async function unpack(missing: string[] = []) {
		const record = buildReportRecord(sources());
		const bytes = new Map(fixture.files.map((f) => [f.meta.sha256, f]));
		const bundle = await makeReportBundle({
			record,
			boards: fixture.boards,
			thumbnails: thumbnailsOf(fixture.doc),
			generatedAt: Date.UTC(2026, 10, 17, 9),
			generatedBy: petr,
			async stored(sha) {
				const f = bytes.get(sha);
				if (!f || missing.includes(sha)) return undefined;
				return { manifest: f.manifest, getChunk: async (i) => f.bytes.slice(i * f.manifest.chunkSize, (i + 1) * f.manifest.chunkSize) };
			},
			rasterise: async (board) => new Resvg(board.svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng()
		});
		const dir = mkdtempSync(join(temp, 'bundle-'));
		writeFileSync(join(dir, 'bundle.zip'), new Uint8Array(await new Response(bundle.stream).arrayBuffer()));
		execFileSync('unzip', ['-q', 'bundle.zip', '-d', 'out'], { cwd: dir });
		return { bundle, out: join(dir, 'out') };
	}
	const check = (dir: string) => spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });

	it('unpacks into report.html, report.json, the PNGs and the files, and sha256sum -c passes', async () => {
		const { bundle, out } = await unpack();
		const result = check(out);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n');
		expect(sums.map((l) => l.slice(66)).sort()).toEqual(
			['report.html', 'report.json', 'whiteboards/Wire path 1.png', 'whiteboards/Wire path 2.png', 'files/generator.log', 'files/voice-note.webm', 'files/photo-1.png', 'files/photo-2.png', 'files/photo-3.png'].sort()
		);
		expect(bundle.entryCount).toBe(sums.length + 1);
		const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
		expect(json.schemaVersion).toBe(2);
		expect(json.bundle).toEqual({ missingFiles: [], missingWhiteboards: [] });
		for (const f of fixture.files) expect(readFileSync(join(out, `files/${f.meta.name}`)).equals(Buffer.from(f.bytes))).toBe(true);
		const png = readFileSync(join(out, 'whiteboards/Wire path 1.png'));
		expect(png.subarray(1, 4).toString()).toBe('PNG');
		const html = readFileSync(join(out, 'report.html'), 'utf8');
		// Each photo is its thumbnail, inside report.html, linked to the photo's file in the bundle.
		expect(html).toContain(`<figure><a href="files/photo-1.png"><img src="${thumbnailUrl}" data-photo="${fixture.files[2]!.meta.sha256}" alt="photo-1.png"`);
		expect(html).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
	});

	it('fails sha256sum -c after one byte of any file changes', async () => {
		const { out } = await unpack();
		const paths = readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.slice(66));
		for (const path of paths) {
			const file = join(out, path);
			const original = readFileSync(file);
			const changed = Buffer.from(original);
			changed[Math.floor(changed.length / 2)]! ^= 0x01;
			writeFileSync(file, changed);
			const result = check(out);
			expect(result.status, path).not.toBe(0);
			expect(result.stdout).toContain(`${path}: FAILED`);
			writeFileSync(file, original);
		}
		expect(check(out).status).toBe(0);
	});

	it('lists a file that is not here as missing, with its SHA-256, and leaves its bytes out', async () => {
		const photo = fixture.files[2]!;
		const { bundle, out } = await unpack([photo.meta.sha256]);
		expect(bundle.report.bundle.missingFiles).toEqual([photo.meta.sha256]);
		expect(readdirSync(join(out, 'files')).sort()).toEqual(['generator.log', 'photo-2.png', 'photo-3.png', 'voice-note.webm']);
		expect(check(out).status).toBe(0);
		const html = readFileSync(join(out, 'report.html'), 'utf8');
		expect(html).toContain('1 of 5 files were not on the device that made this report');
		expect(html).toContain(photo.meta.sha256);
		expect(html).toContain('photo-1.png <span class="missing">(not on this device)</span>');
		// Its thumbnail still shows it, linked to nothing.
		expect(html).toContain(`<figure><img src="${thumbnailUrl}" data-photo="${photo.meta.sha256}" alt="photo-1.png" style="--ratio:1.5000" decoding="async"></figure>`);
		expect(html).not.toContain('href="files/photo-1.png"');
	});

	it('refuses a stored chunk that does not match its manifest', async () => {
		const record = buildReportRecord(sources());
		const bundle = await makeReportBundle({
			record,
			boards: new Map(),
			thumbnails: new Map(),
			generatedAt: 0,
			generatedBy: petr,
			stored: async (sha) => {
				const f = fixture.files.find((x) => x.meta.sha256 === sha)!;
				return { manifest: f.manifest, getChunk: async () => new Uint8Array(f.bytes.length).fill(7) };
			},
			rasterise: async () => new Uint8Array()
		});
		await expect(new Response(bundle.stream).arrayBuffer()).rejects.toThrow(/does not match its checksum/);
	});
});
