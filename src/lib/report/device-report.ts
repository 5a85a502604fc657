// The report on this device, from what this device holds: the conversation's boards from the local Repo (a board
// not here within a moment counts as missing rather than holding the report up), which files are whole in the
// IndexedDB blob store, photos as object URLs (their thumbnails from the conversation until then, or for good when
// the photo is not here), and the bundle streamed from the same store, chunk by chunk.
import type { DocumentId, Repo } from '@automerge/automerge-repo/slim';
import type { BlobStore } from '$lib/files/blob-store';
import type { FileMeta } from '$lib/model/conversation-schema';
import { thumbnailOf } from '$lib/model/file-media';
import { storedBlob } from '$lib/files/file-fetch';
import { isWhiteboardDoc } from '$lib/whiteboard/board';
import type { BoardSvg } from '$lib/whiteboard/board-svg';
import type { WhiteboardDoc } from '$lib/whiteboard/schema';
import { sanitizeFileName } from '$lib/files/file-name';
import { makeReportBundle, type ReportBundle, type ReportBundleSources } from './report-bundle';
import type { ReportRecord } from './schema';

/** The boards' documents as far as this device has them within `waitMs`. */
export async function loadBoards(repo: Repo, ids: readonly string[], waitMs = 1500): Promise<Map<string, WhiteboardDoc | undefined>> {
	const found = await Promise.all(
		ids.map((id) =>
			Promise.race([
				repo.find<WhiteboardDoc>(id as DocumentId).then(
					(handle) => (isWhiteboardDoc(handle.doc()) ? handle.doc() : undefined),
					() => undefined
				),
				new Promise<undefined>((resolve) => setTimeout(resolve, waitMs))
			])
		)
	);
	return new Map(ids.map((id, i) => [id, found[i]]));
}

/** Which of these files are whole on this device. */
export async function filesHere(store: BlobStore, sha256s: readonly string[]): Promise<Set<string>> {
	const here = await Promise.all(sha256s.map((sha) => store.has(sha)));
	return new Set(sha256s.filter((_, i) => here[i]));
}

/** Object URLs of the photos on this device (the caller revokes them), read from IndexedDB side by side. */
export async function photoUrls(store: BlobStore, photos: readonly { sha256: string; type: string }[]): Promise<Map<string, string>> {
	const urls = await Promise.all(
		photos.map(async (photo) => {
			const manifest = await store.manifest(photo.sha256);
			return manifest ? ([photo.sha256, URL.createObjectURL(await storedBlob(store, manifest, photo.type))] as const) : null;
		})
	);
	return new Map(urls.filter((u) => u !== null));
}

/** Object URLs of the files' thumbnails, each made once while the report is open; `revoke()` lets them all go. */
export function thumbnailUrls() {
	const urls = new Map<string, string>();
	return {
		get(file: FileMeta | undefined): string | null {
			const thumbnail = thumbnailOf(file);
			if (!file || !thumbnail) return null;
			let url = urls.get(file.sha256);
			if (!url) urls.set(file.sha256, (url = URL.createObjectURL(new Blob([thumbnail.bytes as Uint8Array<ArrayBuffer>], { type: thumbnail.type }))));
			return url;
		},
		revoke() {
			for (const url of urls.values()) URL.revokeObjectURL(url);
			urls.clear();
		}
	};
}

/** An SVG drawn into a canvas and saved as PNG, at the SVG's pixel size. */
export async function rasteriseInBrowser(board: BoardSvg): Promise<Uint8Array> {
	const url = URL.createObjectURL(new Blob([board.svg], { type: 'image/svg+xml' }));
	try {
		const image = new Image(board.width, board.height);
		image.src = url;
		await image.decode();
		const canvas = Object.assign(document.createElement('canvas'), { width: board.width, height: board.height });
		canvas.getContext('2d')!.drawImage(image, 0, 0, board.width, board.height);
		const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
		if (!png) throw new Error('A whiteboard could not be turned into a picture.');
		return new Uint8Array(await png.arrayBuffer());
	} finally {
		URL.revokeObjectURL(url);
	}
}

export function deviceBundle(store: BlobStore, sources: Pick<ReportBundleSources, 'record' | 'boards' | 'thumbnails' | 'generatedBy' | 'onFile'>): Promise<ReportBundle> {
	return makeReportBundle({
		...sources,
		generatedAt: Date.now(),
		async stored(sha) {
			const manifest = (await store.has(sha)) ? await store.manifest(sha) : undefined;
			return manifest && { manifest, getChunk: (index) => store.getChunk(sha, index) };
		},
		rasterise: rasteriseInBrowser
	});
}

/** "SC-1042 service report 2026-11-17.zip" */
export function bundleName(record: ReportRecord, label: string, at: number): string {
	const day = new Date(at).toISOString().slice(0, 10);
	return sanitizeFileName(`${record.case?.number ?? record.conversation.title} ${label} ${day}.zip`);
}
