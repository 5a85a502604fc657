// `npm run admin -- restore DIR`: a backup back into an empty DATA_DIR. Every file the manifest lists is checked
// against its size and SHA-256 before anything is written, so a damaged backup is refused (naming the file) and
// DATA_DIR stays as it was; the copy then goes in under the DATA_DIR lock (a relay starting meanwhile is refused),
// and a failure part-way removes what was copied.
import { readdir, readFile, rm, chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataDirLocked, lockDataDir } from '../storage/data-lock.ts';
import { copyHashed, DIR_MODE, durable, hashFile } from './copy-files.ts';
import { BackupError, decodeManifest, MANIFEST_NAME, type BackupManifest } from './manifest.ts';

export interface RestoreSummary {
	manifest: BackupManifest;
	totalBytes: number;
	durationMs: number;
}

export async function restoreBackup(backupDir: string, dataDirGiven: string): Promise<RestoreSummary> {
	const began = performance.now();
	const from = resolve(backupDir);
	const dataDir = resolve(dataDirGiven);
	const manifest = await readManifest(from);
	await checkEmpty(dataDir);
	for (const file of manifest.files) {
		const found = await hashFile(join(from, file.path)).catch((err: NodeJS.ErrnoException) => {
			if (err.code === 'ENOENT') throw new BackupError(`The backup is damaged: ${file.path} is missing. Nothing was restored.`);
			throw new BackupError(`${file.path} of the backup cannot be read (${err.code ?? err.message}). Nothing was restored.`);
		});
		if (found.bytes !== file.bytes || found.sha256 !== file.sha256)
			throw new BackupError(`The backup is damaged: ${file.path} does not match its SHA-256 in ${MANIFEST_NAME} (${found.bytes} bytes, expected ${file.bytes}). Nothing was restored.`);
	}

	await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
	await chmod(dataDir, DIR_MODE);
	const lock = lockDataDir(dataDir, 'restore command');
	try {
		const folders = new Set<string>();
		for (const file of manifest.files) {
			const copied = await copyHashed(join(from, file.path), join(dataDir, file.path), folders);
			if (copied.sha256 !== file.sha256) throw new BackupError(`${file.path} of the backup changed while it was being restored. Nothing was restored.`);
		}
		await durable(manifest.files.map((f) => join(dataDir, f.path)), folders, dataDir);
	} catch (err) {
		// DATA_DIR was empty: everything in it but the lock is ours.
		const entries = await readdir(dataDir).catch(() => [] as string[]);
		await Promise.all(entries.filter((e) => e !== 'relay.lock').map((e) => rm(join(dataDir, e), { recursive: true, force: true })));
		if (err instanceof BackupError) throw err;
		throw new BackupError(`Restoring failed (${(err as Error).message}); DATA_DIR was emptied again, nothing was restored.`);
	} finally {
		lock.release();
	}
	return { manifest, totalBytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0), durationMs: performance.now() - began };
}

async function readManifest(from: string): Promise<BackupManifest> {
	const text = await readFile(join(from, MANIFEST_NAME), 'utf8').catch((err: NodeJS.ErrnoException) => {
		if (err.code === 'ENOENT') throw new BackupError(`${from} has no ${MANIFEST_NAME}: it is not a Caseroom backup, or the backup did not finish. Nothing was restored.`);
		throw new BackupError(`${join(from, MANIFEST_NAME)} cannot be read (${err.code ?? err.message}).`);
	});
	return decodeManifest(text);
}

/** Restore never overwrites: DATA_DIR must be new or empty, and no relay may be running on it. */
async function checkEmpty(dataDir: string): Promise<void> {
	const entries = await readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
		if (err.code === 'ENOENT') return [] as string[];
		throw new BackupError(`DATA_DIR ${dataDir} cannot be read (${err.code}).`);
	});
	if (entries.includes('relay.lock')) {
		try {
			lockDataDir(dataDir, 'restore command').release();
		} catch (err) {
			if (err instanceof DataDirLocked) throw new BackupError(`${err.message} Restore goes into an empty DATA_DIR with no relay running on it.`);
			throw err;
		}
	}
	const left = entries.filter((e) => e !== 'relay.lock');
	if (left.length > 0)
		throw new BackupError(
			`DATA_DIR ${dataDir} is not empty (it holds ${left.slice(0, 3).join(', ')}${left.length > 3 ? ', …' : ''}): restore only fills an empty DATA_DIR, so nothing in it is overwritten. Move it aside, or set DATA_DIR to a new folder.`
		);
}
