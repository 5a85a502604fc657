// The service report made on the relay (`npm run admin -- report <conversation>`): the same pure builder, renderer
// and bundle as the app's, fed from what the relay holds, boards turned into PNG by resvg (no canvas in Node).
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { next as Automerge } from '@automerge/automerge';
import { Resvg } from '@resvg/resvg-js';
import { upgradeConversation } from '../../src/lib/model/conversation.ts';
import { isWhiteboardDoc } from '../../src/lib/whiteboard/board.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';
import type { BoardSvg } from '../../src/lib/whiteboard/board-svg.ts';
import { buildReportRecord, thumbnailsOf } from '../../src/lib/report/build.ts';
import { makeReportBundle, type ReportBundle } from '../../src/lib/report/report-bundle.ts';
import type { ReportLocale } from '../../src/lib/report/schema.ts';
import type { ReportSource } from './report-source.ts';

export class ReportUnavailable extends Error {}

async function loadDoc(source: ReportSource, documentId: string): Promise<unknown> {
	const chunks = await source.documentChunks(documentId);
	if (chunks.length === 0) return undefined;
	let doc = Automerge.init<unknown>();
	for (const chunk of chunks) doc = Automerge.loadIncremental(doc, chunk);
	return doc;
}

export const rasteriseWithResvg = async (board: BoardSvg): Promise<Uint8Array> =>
	new Uint8Array(new Resvg(board.svg, { fitTo: { mode: 'width', value: board.width }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());

export async function relayReportBundle(source: ReportSource, conversationId: string, options: { language: ReportLocale; timeZone?: string; now?: number }): Promise<ReportBundle> {
	const registered = source.conversation(conversationId);
	if (!registered) throw new ReportUnavailable(`There is no conversation ${conversationId} on this relay.`);
	const conversation = upgradeConversation(await loadDoc(source, conversationId));
	if (!conversation) throw new ReportUnavailable(`The relay has not received conversation ${conversationId} yet (or it is not a conversation).`);
	const boards = new Map<string, WhiteboardDoc | undefined>();
	for (const id of Object.keys(conversation.whiteboards)) {
		const board = await loadDoc(source, id);
		boards.set(id, isWhiteboardDoc(board) && board.conversationId === conversationId ? board : undefined);
	}
	const record = buildReportRecord({ conversationId, conversation, whiteboards: boards, directory: source.directory() });
	return makeReportBundle({
		record,
		boards,
		thumbnails: thumbnailsOf(conversation),
		generatedAt: options.now ?? Date.now(),
		generatedBy: { id: 'relay-admin', name: 'Relay administrator', on: 'relay', language: options.language },
		timeZone: options.timeZone,
		async stored(sha256) {
			const manifest = await source.completeFile(sha256, conversationId);
			return manifest && { manifest, getChunk: (index) => source.chunk(sha256, index) };
		},
		rasterise: rasteriseWithResvg
	});
}

/** Writes the bundle to `path` (through a temporary file, so a failed bundle leaves nothing half-written). */
export async function writeBundle(bundle: ReportBundle, path: string): Promise<void> {
	const temp = `${path}.partial`;
	try {
		await pipeline(Readable.fromWeb(bundle.stream as NodeReadableStream<Uint8Array>), createWriteStream(temp, { flags: 'wx' }));
		await rename(temp, path);
	} catch (err) {
		await rm(temp, { force: true });
		throw err;
	}
}
