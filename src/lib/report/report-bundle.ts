// The bundle from the documents, the same steps on a tablet and on the relay: which files and boards are here, the
// report (record + who/when + what is missing), report.html with the boards inline and each photo as its thumbnail
// from the conversation, inline (so report.html shows every photo on its own, even one whose file is not here),
// linked to the photo's file in the bundle, a PNG per board, and the ZIP stream. Where bytes come from and how an SVG becomes a PNG
// are the caller's (IndexedDB and a canvas in the browser; the relay's blob store and resvg on the relay).
import type { Thumbnail } from '../model/conversation-schema';
import type { ChunkManifest } from '../model/file-manifest';
import { boardSvg, type BoardSvg } from '../whiteboard/board-svg';
import type { WhiteboardDoc } from '../whiteboard/schema';
import { serviceReport } from './build';
import { bundleStream, verifiedChunks, type BundleFile } from './bundle';
import { bytesToBase64 } from './escape';
import { reportDocumentHtml } from './render-html';
import type { ReportGenerator, ReportRecord, ServiceReport } from './schema';

export interface StoredFile {
	manifest: ChunkManifest;
	getChunk(index: number): Promise<Uint8Array | undefined>;
}

export interface ReportBundleSources {
	record: ReportRecord;
	boards: ReadonlyMap<string, WhiteboardDoc | undefined>;
	/** The photos' thumbnails from the conversation (build.ts' thumbnailsOf). */
	thumbnails: ReadonlyMap<string, Thumbnail>;
	generatedAt: number;
	generatedBy: ReportGenerator;
	/** The file's manifest and chunks when every chunk of it is here; undefined otherwise. */
	stored(sha256: string): Promise<StoredFile | undefined>;
	rasterise(board: BoardSvg): Promise<Uint8Array>;
	timeZone?: string;
	onFile?(done: number, total: number): void;
}

export interface ReportBundle {
	report: ServiceReport;
	/** How many entries the ZIP holds, SHA256SUMS included. */
	entryCount: number;
	stream: ReadableStream<Uint8Array>;
}

/** A path inside the bundle as a relative URL for report.html. */
const relativeUrl = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export async function makeReportBundle(src: ReportBundleSources): Promise<ReportBundle> {
	const { record } = src;
	const here = new Map<string, StoredFile>();
	for (const file of record.files) {
		const stored = await src.stored(file.sha256);
		if (stored && stored.manifest.sha256 === file.sha256) here.set(file.sha256, stored);
	}
	const svgs = new Map<string, BoardSvg>();
	for (const board of record.whiteboards) {
		const doc = src.boards.get(board.id);
		if (doc) svgs.set(board.id, boardSvg(doc));
	}
	const report = serviceReport(record, src.generatedAt, src.generatedBy, {
		missingFiles: record.files.filter((f) => !here.has(f.sha256)).map((f) => f.sha256),
		missingWhiteboards: record.whiteboards.filter((w) => !svgs.has(w.id)).map((w) => w.id)
	});
	const pathOf = new Map(record.files.map((f) => [f.sha256, relativeUrl(f.path)]));
	const html = reportDocumentHtml(report, {
		locale: src.generatedBy.language,
		timeZone: src.timeZone,
		assets: {
			whiteboardSvg: (id) => svgs.get(id)?.svg ?? null,
			photo(sha) {
				const thumbnail = src.thumbnails.get(sha);
				const file = here.has(sha) ? pathOf.get(sha)! : null;
				if (thumbnail) return { src: `data:${thumbnail.type};base64,${bytesToBase64(thumbnail.bytes)}`, link: file };
				return file === null ? null : { src: file, link: file };
			}
		}
	});
	const pngs: { path: string; bytes: Uint8Array }[] = [];
	for (const board of record.whiteboards) {
		const svg = svgs.get(board.id);
		if (svg) pngs.push({ path: board.path, bytes: await src.rasterise(svg) });
	}
	const files: BundleFile[] = record.files
		.filter((f) => here.has(f.sha256))
		.map((f) => {
			const stored = here.get(f.sha256)!;
			return { path: f.path, sha256: f.sha256, read: () => verifiedChunks(stored.manifest, (i) => stored.getChunk(i)) };
		});
	const stream = bundleStream({ reportHtml: html, reportJson: JSON.stringify(report, null, 2), pngs, files, modified: new Date(src.generatedAt), onFile: src.onFile });
	return { report, entryCount: 3 + pngs.length + files.length, stream };
}
