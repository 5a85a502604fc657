// A service case conversation with everything a report shows, built with the model's own operations: text messages,
// a reply naming someone, an edited and a deleted message, members added and one who left, whiteboards with strokes,
// shapes, text and a picture, photos (real PNGs, drawn by resvg, each with a thumbnail) and other files, a voice note,
// and a call. The report's unit tests, the relay's report test and the bench use it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { addMembers, attachFile, attachWhiteboard, newConversation, postMessage, recordCallEnded, recordCallStarted, removeMembers } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc, FileMeta } from '../../src/lib/model/conversation-schema.ts';
import { CHUNK_SIZE, type ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import { asCaseId, asMessageId, asUserId, type UserId } from '../../src/lib/model/ids.ts';
import { deleteMessage, editMessage } from '../../src/lib/model/message-edits.ts';
import { addElement, elementBase, newWhiteboard } from '../../src/lib/whiteboard/board.ts';
import { encodePoints } from '../../src/lib/whiteboard/points.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';

export const REPORT_START = Date.UTC(2026, 10, 16, 7, 30);
const petr = asUserId('petr');
const anna = asUserId('anna');
const tomas = asUserId('tomas');

export interface FixtureFile {
	meta: Omit<FileMeta, 'uploadedBy' | 'uploadedAt'>;
	bytes: Uint8Array;
	manifest: ChunkManifest;
}

export interface ReportConversation {
	doc: ConversationDoc;
	/** Keyed by the id given to attachWhiteboard (the caller maps them to real document ids if it syncs them). */
	boards: Map<string, WhiteboardDoc>;
	files: FixtureFile[];
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function manifestOf(bytes: Uint8Array, chunkSize = CHUNK_SIZE): ChunkManifest {
	const chunks: string[] = [];
	for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(sha(bytes.subarray(at, at + chunkSize)));
	return { sha256: sha(bytes), size: bytes.length, chunkSize, chunks };
}

export function fixtureFile(name: string, type: string, bytes: Uint8Array): FixtureFile {
	const manifest = manifestOf(bytes);
	return { meta: { sha256: manifest.sha256, name, size: bytes.length, type }, bytes, manifest };
}

/**
 * A photo's thumbnail as the app keeps it in the conversation: a real JPEG (192 × 128), the same for every photo here,
 * since Node has no JPEG or WebP encoder to make one from each photo.
 */
export const THUMBNAIL = { type: 'image/jpeg' as const, width: 192, height: 128, bytes: new Uint8Array(readFileSync(new URL('./thumbnail.jpg', import.meta.url))) };

/** A real PNG "photo": a coloured panel with a label, `width` pixels wide. */
export function photoPng(label: string, hue: number, width = 480): Uint8Array {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320"><rect width="480" height="320" fill="hsl(${hue},55%,55%)"/><circle cx="360" cy="110" r="60" fill="#fff" fill-opacity="0.6"/><text x="24" y="290" font-size="40" font-family="DejaVu Sans" fill="#fff">${label}</text></svg>`;
	return new Uint8Array(new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: true } }).render().asPng());
}

/** A board with a pen stroke, an arrow, a rectangle, a text and (on the first) a picture. */
export function sketchBoard(conversationId: string, title: string, at: number, picture?: Uint8Array): WhiteboardDoc {
	const board = newWhiteboard({ conversationId, title, createdBy: petr, createdAt: at });
	const base = (id: string, x: number, y: number, color = '#d62828') => elementBase({ id, author: petr, at, x, y, color, width: 4 });
	const wave = Array.from({ length: 40 }, (_, i) => ({ x: i * 10, y: Math.sin(i / 4) * 40, pressure: 0.5 + (i % 5) / 10 }));
	addElement(board, { ...base(`${title}-pen`, 40, 120), kind: 'pen', points: encodePoints(wave) });
	addElement(board, { ...base(`${title}-arrow`, 60, 260, '#0b3d5c'), kind: 'arrow', dx: 300, dy: -60 });
	addElement(board, { ...base(`${title}-rect`, 20, 20, '#1e7e34'), kind: 'rect', w: 420, h: 300 });
	addElement(board, { ...base(`${title}-text`, 40, 40, '#1b2631'), kind: 'text', text: `${title}\nwire guide <upper>`, fontSize: 22 });
	if (picture) addElement(board, { ...base(`${title}-pic`, 470, 40), kind: 'image', w: 240, h: 160, mime: 'image/png', bytes: picture });
	return board;
}

/**
 * Petr's SC-1042 case chat with Anna: `messages` text messages spread over a shift, `photos` photos, `whiteboards`
 * boards, a log file, Tomáš added and leaving again, and one call of 14 minutes. With 8 messages or more, Anna answers
 * message 2 naming Petr, Petr corrects message 5, a voice note of 12.4 s, and Anna deletes message 7, whose quote
 * Petr's answer to it then shows as deleted.
 */
export function reportConversation(opts: { conversationId: string; messages: number; photos: number; whiteboards: number; boardId?: (i: number) => string }): ReportConversation {
	const doc = newConversation({
		kind: 'case',
		title: '',
		case: { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing' },
		creator: { id: petr, name: 'Petr Novák' },
		members: [{ id: anna, name: 'Anna Horáková' }],
		at: REPORT_START,
		messageId: asMessageId('m-created')
	});
	const boards = new Map<string, WhiteboardDoc>();
	const files: FixtureFile[] = [];
	const slots = opts.messages + opts.photos + opts.whiteboards + 11;
	let at = REPORT_START;
	const next = () => (at += Math.floor((8 * 3600_000) / slots));
	const id = (s: string) => asMessageId(`m-${s}`);
	const author = (i: number): UserId => (i % 3 ? petr : anna);
	let photo = 0;
	let board = 0;
	for (let i = 0; i < opts.messages; i++) {
		postMessage(doc, { id: id(`t${i}`), author: author(i), at: next(), text: `Message ${i + 1}: wire tension ${(8 + (i % 7) * 0.5).toFixed(1)} N, breakage after ${20 + (i % 13)} min` });
		if (i === 2) addMembers(doc, [{ id: tomas, name: 'Tomáš Marek' }], { id: id('added'), author: petr, at: next() });
		if (i === 3) postMessage(doc, { id: id('reply'), author: anna, at: next(), text: '@Petr Novák the upper guide is worn, see the photo', replyTo: id('t1'), mentions: [petr] });
		if (i === 5) {
			editMessage(doc, { id: id('t4'), by: petr, at: next(), text: 'Message 5 (corrected): wire tension 9.0 N, breakage after 24 min' });
			const voice = fixtureFile('voice-note.webm', 'audio/webm', new Uint8Array(4000).fill(0x1a));
			files.push(voice);
			attachFile(doc, { ...voice.meta, uploadedBy: petr, uploadedAt: next(), durationMs: 12_400 }, id('voice'));
		}
		if (i === 7) {
			deleteMessage(doc, { id: id('t6'), by: anna, at: next() });
			postMessage(doc, { id: id('answer'), author: petr, at: next(), text: 'Never mind, I saw it before it went.', replyTo: id('t6') });
		}
		if (i === 4) {
			const log = fixtureFile('generator.log', 'text/plain', new TextEncoder().encode('E-212 generator overcurrent\n'.repeat(400)));
			files.push(log);
			attachFile(doc, { ...log.meta, uploadedBy: anna, uploadedAt: next() }, id('log'));
		}
		if (i === 6) {
			const started = next();
			recordCallStarted(doc, { id: id('call'), author: petr, at: started });
			recordCallEnded(doc, { id: id('call-end'), author: anna, at: started + 14 * 60_000, startedId: id('call'), startedAt: started, participants: [petr, anna] });
		}
		if (i === 8) removeMembers(doc, [tomas], { id: id('left'), author: tomas, at: next() });
		// Photos and boards spread through the conversation.
		while (photo < opts.photos && (photo + 1) * opts.messages <= (i + 1) * opts.photos) {
			const f = fixtureFile(`photo-${photo + 1}.png`, 'image/png', photoPng(`Photo ${photo + 1}`, (photo * 37) % 360));
			files.push(f);
			attachFile(doc, { ...f.meta, uploadedBy: author(photo), uploadedAt: next(), thumbnail: THUMBNAIL }, id(`p${photo}`));
			photo++;
		}
		while (board < opts.whiteboards && (board + 1) * opts.messages <= (i + 1) * opts.whiteboards) {
			const boardId = opts.boardId?.(board) ?? `board-${board + 1}`;
			const created = next();
			const title = `Wire path ${board + 1}`;
			boards.set(boardId, sketchBoard(opts.conversationId, title, created, board === 0 ? photoPng('on board', 200, 240) : undefined));
			attachWhiteboard(doc, { documentId: boardId, title, createdBy: petr, createdAt: created }, id(`b${board}`));
			board++;
		}
	}
	return { doc, boards, files };
}
