// Files in DATA_DIR/automerge in the layout of automerge-repo's NodeFS adapter (`<2 chars of id>/<rest>/<kind>/<name>`),
// and the one way they are written: a temporary file, fdatasync, rename, fsync of the directory. kill -9 or a power
// cut mid-write leaves at worst a stray temporary file, which readers skip. Shared by the old chunk adapter
// (fs-chunks.ts) and the log store, which keeps its snapshots in the same folders.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const SAFE_PART = /^[A-Za-z0-9_-]{1,200}$/;
/** Marks a file still being written; it is renamed away from this name once complete. */
export const TEMP_MARK = '.tmp-';

/** Stock NodeFS layout: the first key part split after two characters, e.g. `3x/Gh…/snapshot/<hash>`. */
export function keyPath(baseDirectory: string, key: readonly string[]): string {
	for (const part of key) if (!SAFE_PART.test(part)) throw new Error(`Unsafe storage key part: ${JSON.stringify(part)}`);
	const [first, ...rest] = key;
	if (first === undefined) return baseDirectory;
	if (first.length < 3) throw new Error(`Storage key part too short: ${first}`);
	return path.join(baseDirectory, first.slice(0, 2), first.slice(2), ...rest);
}

export function keyOf(baseDirectory: string, file: string): string[] {
	const [head = '', tail = '', ...rest] = path.relative(baseDirectory, file).split(path.sep);
	return [head + tail, ...rest];
}

export const isTemporary = (file: string) => path.basename(file).includes(TEMP_MARK);

export function isMissing(error: unknown): boolean {
	return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** A step of a durable write, for tests that stop a writer between two of them. */
export type WriteStep = 'temp-synced' | 'renamed';

/**
 * Writes `data` to `file` so that after a crash the file is either absent (or as before) or complete.
 * `step` is awaited after each step (tests hold or kill the process there).
 */
export async function writeFileDurably(file: string, data: Uint8Array, options: { fsync?: boolean; step?: (step: WriteStep) => Promise<void> | void } = {}): Promise<void> {
	const { fsync = true, step } = options;
	const dir = path.dirname(file);
	const temp = `${file}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
	await makeDirectory(dir, fsync);
	try {
		const handle = await fs.open(temp, 'w');
		try {
			await handle.writeFile(data);
			if (fsync) await handle.datasync();
		} finally {
			await handle.close();
		}
		await step?.('temp-synced');
		await fs.rename(temp, file);
	} catch (error) {
		await fs.rm(temp, { force: true }).catch(() => {});
		throw error;
	}
	await step?.('renamed');
	if (fsync) await syncDirectory(dir);
}

/** `mkdir -p`, and the entries of the directories it created made durable in their parents. */
export async function makeDirectory(dir: string, fsync = true): Promise<void> {
	const created = await fs.mkdir(dir, { recursive: true });
	if (!created || !fsync) return;
	for (let made = dir; ; made = path.dirname(made)) {
		await syncDirectory(path.dirname(made));
		if (made === created) break;
	}
}

/** A new or renamed directory entry is only durable once the directory itself is on disk. */
export async function syncDirectory(dir: string): Promise<void> {
	const handle = await fs.open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Every file under `dir` (none if it does not exist). */
export async function walk(dir: string): Promise<string[]> {
	let entries;
	try {
		entries = await fs.readdir(dir, { withFileTypes: true });
	} catch (error) {
		if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
		throw error;
	}
	const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])));
	return nested.flat();
}

/** A document's chunk files in the layout, by kind; files still being written (or left by a crash) apart. */
export interface DocumentFiles {
	snapshots: string[];
	incrementals: string[];
	temporary: string[];
}

/** The document's snapshot and incremental chunks (its `sync-state/` is not the store's business), sorted by name. */
export async function documentFiles(baseDirectory: string, documentId: string): Promise<DocumentFiles> {
	const folder = keyPath(baseDirectory, [documentId]);
	const [snapshots, incrementals] = await Promise.all([walk(path.join(folder, 'snapshot')), walk(path.join(folder, 'incremental'))]);
	const all = [...snapshots, ...incrementals];
	const complete = (files: string[]) => files.filter((f) => !isTemporary(f)).sort();
	return { snapshots: complete(snapshots), incrementals: complete(incrementals), temporary: all.filter(isTemporary) };
}
