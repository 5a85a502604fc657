// A backup of DATA_DIR that is a state the relay could have been in, taken while it runs (or not), without stopping
// its writes. In this order, each part at least as new as the one before, so the copy is what a relay killed at some
// moment after the command started would have left:
//   1. the documents: compaction is held (log-store.ts `hold()`; appends go on), every chunk file is copied as it is,
//      and each log segment up to its last acknowledged record, which includes every change acknowledged before the
//      command started; then compaction resumes;
//   2. the directory journal up to its last line at that moment (each line is written and fsynced in one turn of
//      the event loop, so the file always ends on a committed line);
//   3. the token key, and the file store's files (a file's chunks and manifest never change once written; a
//      conversation's claim on a file is copied before its share, which replaces the claim, so one of them is there).
// Every file is hashed into manifest.json, written last: a backup without one did not finish.
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isTemporary, syncDirectory, walk } from '../storage/chunk-files.ts';
import type { LogHold } from '../storage/log-store.ts';
import { listSegments, segmentFile } from '../storage/log-segment.ts';
import { copyHashed, DIR_MODE, durable, FILE_MODE } from './copy-files.ts';
import { BACKED_UP, BackupError, encodeManifest, isDataPath, makeManifest, MANIFEST_NAME, NOT_DATA, sha256Sums, SUMS_NAME, type BackupFile, type BackupManifest } from './manifest.ts';

/** The running relay's document store: what a backup holds still while it copies the log. */
export interface HoldsLog {
	hold(): Promise<LogHold>;
}

export interface BackupOptions {
	dataDir: string;
	target: string;
	/** The running relay's store; without it the caller holds the DATA_DIR lock, so no relay changes anything. */
	documents?: HoldsLog;
	now?: () => number;
}

export interface BackupSummary {
	manifest: BackupManifest;
	target: string;
	totalBytes: number;
	durationMs: number;
	/** Entries of DATA_DIR that are not a relay's data and were left out. */
	skipped: string[];
}

export async function takeBackup(options: BackupOptions): Promise<BackupSummary> {
	const began = performance.now();
	const createdAt = new Date((options.now ?? Date.now)()).toISOString();
	const dataDir = resolve(options.dataDir);
	const target = resolve(options.target);
	const skipped = await checkSource(dataDir);
	await prepareTarget(target, dataDir);
	const files: BackupFile[] = [];
	const folders = new Set<string>();
	const copy = async (path: string, bytes?: number) => {
		const hashed = await copyHashed(join(dataDir, path), join(target, path), folders, bytes);
		files.push({ path, ...hashed });
	};
	try {
		const hold = options.documents ? await options.documents.hold() : await logAsItIs(dataDir);
		const heldAt = performance.now();
		const journal = join(dataDir, 'directory.jsonl');
		// In the turn the hold began: nothing of the directory committed after the documents is missing.
		const journalBytes = existsSync(journal) ? statSync(journal).size : undefined;
		try {
			for (const segment of hold.segments) await copy(dataPath(dataDir, segment.file), segment.bytes);
			for (const file of await walk(join(dataDir, 'automerge'))) {
				const path = dataPath(dataDir, file);
				if (!path.startsWith('automerge/log/') && !isTemporary(file) && isDataPath(path)) await copy(path);
			}
		} finally {
			hold.release();
		}
		const compactionHeldMs = performance.now() - heldAt + hold.waitedMs;
		if (journalBytes !== undefined) await copy('directory.jsonl', await committedLength(journal, journalBytes));
		if (existsSync(join(dataDir, 'token-key'))) await copy('token-key');
		await copyBlobs(dataDir, copy);

		const manifest = makeManifest({ createdAt, source: { dataDir, relayRunning: options.documents !== undefined }, compactionHeldMs, holdWaitedMs: hold.waitedMs, files });
		await durable(files.map((f) => join(target, f.path)), folders, target);
		await writePrivately(join(target, SUMS_NAME), sha256Sums(files));
		await writePrivately(join(target, MANIFEST_NAME), encodeManifest(manifest));
		const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
		return { manifest, target, totalBytes, durationMs: performance.now() - began, skipped };
	} catch (err) {
		// The folder was new or empty: leave it so, not a backup that looks whole and is not.
		await emptyFolder(target);
		if (err instanceof BackupError) throw err;
		throw new BackupError(`The backup failed (${(err as Error).message}); nothing was kept in ${target}.`);
	}
}

/** DATA_DIR holds a relay's data; the names of what else is there (left out). */
export async function checkSource(dataDir: string): Promise<string[]> {
	const entries = await readdir(dataDir).catch(() => undefined);
	if (!entries || !entries.some((e) => e === 'token-key' || e === 'directory.jsonl'))
		throw new BackupError(`${dataDir} holds no relay data (no token-key, no directory.jsonl): is DATA_DIR set to the relay's folder?`);
	return entries.filter((e) => !(BACKED_UP as readonly string[]).includes(e) && !NOT_DATA.includes(e)).sort();
}

/** A new or empty folder outside DATA_DIR, readable by this user only. */
async function prepareTarget(target: string, dataDir: string): Promise<void> {
	if (target === dataDir || target.startsWith(dataDir + sep)) throw new BackupError(`${target} is inside DATA_DIR (${dataDir}): keep a backup elsewhere, on another disk if you can.`);
	const existing = await readdir(target).catch((err: NodeJS.ErrnoException) => {
		if (err.code === 'ENOENT') return undefined;
		throw new BackupError(err.code === 'ENOTDIR' ? `${target} is a file, not a folder.` : `${target} cannot be read (${err.code}).`);
	});
	if (existing && existing.length > 0) throw new BackupError(`${target} is not empty: a backup goes into a new or empty folder, so nothing there is overwritten.`);
	await mkdir(target, { recursive: true, mode: DIR_MODE });
	await chmod(target, DIR_MODE);
}

/** No relay runs (the caller holds the lock): every segment whole, as the next relay would find it. */
async function logAsItIs(dataDir: string): Promise<LogHold> {
	const logDirectory = join(dataDir, 'automerge', 'log');
	const numbers = await listSegments(logDirectory).catch(() => [] as number[]);
	const segments = await Promise.all(numbers.map(async (n) => ({ file: segmentFile(logDirectory, n), bytes: (await stat(segmentFile(logDirectory, n))).size })));
	return { segments, waitedMs: 0, release() {} };
}

/** The journal up to its last complete line within `size` bytes (it always ends on one while the relay writes it). */
async function committedLength(file: string, size: number): Promise<number> {
	const window = Math.min(size, 1 << 20);
	const handle = await open(file, 'r');
	try {
		const tail = Buffer.alloc(window);
		await handle.read(tail, 0, window, size - window);
		const end = tail.lastIndexOf(0x0a);
		if (end < 0 && size > 0) throw new BackupError(`${file} has no complete line in its last ${window} bytes: repair it (see docs/reliability.md) before taking a backup.`);
		return size - window + end + 1;
	} finally {
		await handle.close();
	}
}

/**
 * Per file of the file store: its manifest, its chunks, the mark that they were checked together, the conversations'
 * claims, then their shares (a claim is
 * replaced by a share once proven, share written first). A file without its manifest yet (announced meanwhile), or
 * that vanishes meanwhile (a forged one removed), is left out; files still being written (`*.tmp`) are not there yet.
 */
async function copyBlobs(dataDir: string, copy: (path: string) => Promise<void>): Promise<void> {
	const list = async (path: string) => (await readdir(join(dataDir, path)).catch(() => [] as string[])).filter((n) => !isTemporary(n) && !n.endsWith('.tmp') && isDataPath(`${path}/${n}`)).sort();
	const copyIfThere = (path: string) =>
		copy(path).then(
			() => true,
			(err: NodeJS.ErrnoException) => {
				if (err.code !== 'ENOENT') throw err;
				return false;
			}
		);
	for (const file of await list('blobs')) {
		// A file announced after the hold has no manifest yet: none of it, or its share would point at nothing.
		if (!(await copyIfThere(`blobs/${file}/manifest.json`))) continue;
		for (const name of await list(`blobs/${file}/chunks`)) await copyIfThere(`blobs/${file}/chunks/${name}`);
		await copyIfThere(`blobs/${file}/verified`);
		for (const part of ['claims', 'refs']) for (const name of await list(`blobs/${file}/${part}`)) await copyIfThere(`blobs/${file}/${part}/${name}`);
	}
}

const dataPath = (dataDir: string, file: string) => relative(dataDir, file).split(sep).join('/');

/** A new file of the backup, 0600, on disk under its name before this returns. */
async function writePrivately(file: string, text: string): Promise<void> {
	const temp = `${file}.tmp`;
	const handle = await open(temp, 'w', FILE_MODE);
	try {
		await handle.writeFile(text);
		await handle.datasync();
	} finally {
		await handle.close();
	}
	await rename(temp, file);
	await syncDirectory(join(file, '..'));
}

async function emptyFolder(folder: string): Promise<void> {
	const entries = await readdir(folder).catch(() => [] as string[]);
	await Promise.all(entries.map((e) => rm(join(folder, e), { recursive: true, force: true })));
}
