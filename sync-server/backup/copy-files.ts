// Copying files into a backup and out of it: every byte hashed on its way (SHA-256, for the manifest), every new file
// private to the relay's user (0600, folders 0700: a backup holds the token key) and on disk before the manifest
// that lists it is written.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from '../storage/chunk-files.ts';
import { writeSpan } from '../storage/log-segment.ts';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export interface Hashed {
	bytes: number;
	sha256: string;
}

/** The file's first `bytes` bytes (all of it when undefined), streamed through SHA-256 and to `write` if given. */
async function stream(from: string, bytes: number | undefined, write?: (chunk: Buffer, at: number) => Promise<void>): Promise<Hashed> {
	const hash = createHash('sha256');
	let done = 0;
	if (bytes !== 0) {
		for await (const chunk of createReadStream(from, bytes === undefined ? {} : { end: bytes - 1 }) as AsyncIterable<Buffer>) {
			hash.update(chunk);
			await write?.(chunk, done);
			done += chunk.length;
		}
	}
	if (bytes !== undefined && done !== bytes) throw new Error(`${from} ends after ${done} bytes, before the ${bytes} to copy`);
	return { bytes: done, sha256: hash.digest('hex') };
}

export const hashFile = (file: string): Promise<Hashed> => stream(file, undefined);

/**
 * Copies the first `bytes` of `from` (all of it when undefined) to `to`, a new file (its folders made as needed); on
 * any failure `to` is removed. Not synced yet (a copy made while the relay's compaction waits only fills the page
 * cache): `durable()` syncs every copy and the folders collected in `folders` once all are made.
 */
export async function copyHashed(from: string, to: string, folders: Set<string>, bytes?: number): Promise<Hashed> {
	await mkdir(dirname(to), { recursive: true, mode: DIR_MODE });
	folders.add(dirname(to));
	const out = await open(to, 'wx', FILE_MODE);
	try {
		return await stream(from, bytes, (chunk, at) => writeSpan(out, chunk, at));
	} catch (err) {
		await rm(to, { force: true });
		throw err;
	} finally {
		await out.close();
	}
}

/** The copied files on disk (a few at a time: the disk batches them), then the folders' entries. */
export async function durable(files: string[], folders: Set<string>, root: string): Promise<void> {
	for (let at = 0; at < files.length; at += 16)
		await Promise.all(
			files.slice(at, at + 16).map(async (file) => {
				const handle = await open(file, 'r');
				await handle.datasync().finally(() => handle.close());
			})
		);
	await syncFolders(folders, root);
}

/** Makes the new entries of these folders under `root` (and root's own) durable, deepest first. */
async function syncFolders(folders: Set<string>, root: string): Promise<void> {
	const all = new Set<string>([root]);
	for (const folder of folders) for (let f = folder; f.startsWith(`${root}/`) && !all.has(f); f = dirname(f)) all.add(f);
	for (const folder of [...all].sort((a, b) => b.length - a.length)) await syncDirectory(folder);
}
