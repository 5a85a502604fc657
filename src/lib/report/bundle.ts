// The service report's bundle as one streamed ZIP (client-zip, stored entries): report.html, report.json, each
// whiteboard as PNG, every file of the conversation that is here in its original bytes, and SHA256SUMS over all of
// them in `sha256sum -c` format. The same code runs in the browser and on the relay (web streams and WebCrypto are
// in both). A file's bytes are pulled one verified chunk at a time as the ZIP is written, so a 1 GB file is never in
// memory; its checksum is the SHA-256 already known (the conversation's metadata, which its chunk manifest matches).
import { makeZip } from 'client-zip';
import type { ChunkManifest } from '../model/file-manifest';
import { sha256Hex } from '../hex';

export interface BundleFile {
	path: string;
	sha256: string;
	/** The file's bytes, in order, each chunk already checked. */
	read(): AsyncIterable<Uint8Array>;
}

export interface BundleInput {
	reportHtml: string;
	reportJson: string;
	pngs: readonly { path: string; bytes: Uint8Array }[];
	/** The files whose bytes are here; the others are listed missing in report.json and report.html. */
	files: readonly BundleFile[];
	/** The entries' modification time (the report's generatedAt). */
	modified: Date;
	/** After each file of the conversation has gone into the ZIP. */
	onFile?(done: number, total: number): void;
}

export class ChunkMismatch extends Error {}

/** A stored file's chunks read in order and each checked against its manifest before it goes on. */
export async function* verifiedChunks(manifest: ChunkManifest, getChunk: (index: number) => Promise<Uint8Array | undefined>): AsyncIterable<Uint8Array> {
	for (let i = 0; i < manifest.chunks.length; i++) {
		const bytes = await getChunk(i);
		if (!bytes) throw new ChunkMismatch(`part ${i + 1} of a file is missing from this store`);
		if ((await sha256Hex(bytes)) !== manifest.chunks[i]) throw new ChunkMismatch(`part ${i + 1} of a file does not match its checksum`);
		yield bytes;
	}
}

/** `sha256sum -c` lines: hash, two spaces, path. */
export const sha256SumsText = (entries: readonly { sha256: string; path: string }[]): string => entries.map((e) => `${e.sha256}  ${e.path}\n`).join('');

async function* entries(input: BundleInput) {
	const sums: { sha256: string; path: string }[] = [];
	const encoder = new TextEncoder();
	const small = [
		{ path: 'report.html', bytes: encoder.encode(input.reportHtml) },
		{ path: 'report.json', bytes: encoder.encode(input.reportJson) },
		...input.pngs
	];
	for (const { path, bytes } of small) {
		sums.push({ sha256: await sha256Hex(bytes), path });
		yield { name: path, input: bytes, lastModified: input.modified };
	}
	let done = 0;
	for (const file of input.files) {
		sums.push({ sha256: file.sha256, path: file.path });
		yield { name: file.path, input: file.read(), lastModified: input.modified };
		input.onFile?.(++done, input.files.length);
	}
	yield { name: 'SHA256SUMS', input: encoder.encode(sha256SumsText(sums)), lastModified: input.modified };
}

/** The ZIP as a stream; it reads the files only as fast as the stream is consumed. */
export function bundleStream(input: BundleInput): ReadableStream<Uint8Array> {
	return makeZip(entries(input));
}
