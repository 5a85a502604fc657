// Reads no UI state. The page ↔ service worker agreement for streamed downloads: the page posts a stream under an
// id, the worker answers `GET /__bundle/<id>` with it once, as an attachment.
export const BUNDLE_DOWNLOAD_PATH = '/__bundle/';

export interface BundleDownloadMessage {
	type: 'caseroom-bundle';
	id: string;
	name: string;
	stream: ReadableStream<Uint8Array>;
}

export function isBundleDownloadMessage(data: unknown): data is BundleDownloadMessage {
	const m = data as Partial<BundleDownloadMessage> | null;
	return typeof m === 'object' && m !== null && m.type === 'caseroom-bundle' && typeof m.id === 'string' && typeof m.name === 'string' && m.stream instanceof ReadableStream;
}

/** `Content-Disposition` for any file name: an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
export function attachmentHeader(name: string): string {
	const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
