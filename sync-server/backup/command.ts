// The `backup` and `restore` admin commands: run by the relay (backup only: it holds its own document log still) or,
// with no relay running, by the CLI under the DATA_DIR lock. Their answers say what happened and for how long the
// relay's compaction was held.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { DataDirLocked, lockDataDir } from '../storage/data-lock.ts';
import type { Config } from '../config.ts';
import type { DocumentStore } from '../storage/document-store.ts';
import { takeBackup, type HoldsLog } from './backup.ts';
import { BackupError, MANIFEST_NAME } from './manifest.ts';
import { restoreBackup } from './restore.ts';

export { BackupError } from './manifest.ts';

export const BACKUP_COMMANDS = ['backup', 'restore'];

export interface BackupPlace {
	dataDir: string;
	/** The running relay's document store; undefined when no relay runs (the caller then holds the DATA_DIR lock). */
	documents?: DocumentStore;
	/** Where the files are when not in DATA_DIR/blobs (an S3 bucket): the backup says it does not hold them. */
	filesElsewhere?: string;
	/** The directory and documents are in PostgreSQL (DATABASE_URL): the database's own tools back them up. */
	inDatabase?: boolean;
}

const IN_DATABASE = 'This relay keeps its directory and documents in PostgreSQL (DATABASE_URL): back that up with its own tools (pg_dump), and DATA_DIR/token-key with it.';

/** `backup DIR` or `restore DIR` (DIR absolute: the CLI makes it so). */
export async function runBackupCommand(command: string, folder: string | undefined, place: BackupPlace): Promise<string> {
	if (!folder) throw new BackupError(`${command} needs a folder: npm run admin -- ${command} /path/to/backup`);
	if (!isAbsolute(folder)) throw new BackupError(`${command} needs an absolute path here.`);
	if (command === 'restore') {
		if (place.documents) throw new BackupError(`A relay is running on ${place.dataDir}: stop it first. Restore fills an empty DATA_DIR, and a relay starts on it afterwards.`);
		const done = await restoreBackup(folder, place.dataDir);
		return [
			`Restored ${done.manifest.files.length} files (${mb(done.totalBytes)}) into ${place.dataDir} in ${seconds(done.durationMs)}, every one checked against ${MANIFEST_NAME}.`,
			`The backup was taken at ${done.manifest.createdAt}: whatever changed on the relay after that is not in it. Start the relay on this DATA_DIR.`
		].join('\n');
	}
	const documents = place.documents;
	if (place.inDatabase || (documents && !holdsLog(documents))) throw new BackupError(IN_DATABASE);
	const done = await takeBackup({ dataDir: place.dataDir, target: folder, documents });
	const { compactionHeldMs, holdWaitedMs } = done.manifest;
	return [
		`Backed up ${place.dataDir} to ${folder}: ${done.manifest.files.length} files, ${mb(done.totalBytes)}, in ${seconds(done.durationMs)}.`,
		documents
			? `The relay went on taking changes throughout; only its log compaction was held, for ${seconds(compactionHeldMs)} (${holdWaitedMs.toFixed(1)} ms of it waiting for a compaction step to end).`
			: 'No relay was running; DATA_DIR was locked while it was copied.',
		`It holds the relay's token key: whoever has it can sign in as anyone. Keep it as you keep passwords (the folder is readable by this user only).`,
		...(place.filesElsewhere ? [`The files are in ${place.filesElsewhere}, not in DATA_DIR: this backup does not hold them; back that up with its own tools.`] : []),
		...(done.skipped.length > 0 ? [`Left out (not relay data): ${done.skipped.join(', ')}.`] : [])
	].join('\n');
}

/** With no relay running: the CLI takes the DATA_DIR lock for a backup (restore takes it itself). */
export async function runBackupCommandAlone(command: string, folder: string | undefined, place: Omit<BackupPlace, 'documents'>): Promise<string> {
	const { dataDir } = place;
	if (command === 'restore' || !existsSync(dataDir)) return runBackupCommand(command, folder, place);
	const lock = (() => {
		try {
			return lockDataDir(dataDir, 'backup command');
		} catch (err) {
			throw err instanceof DataDirLocked ? new BackupError(err.message) : err;
		}
	})();
	try {
		return await runBackupCommand(command, folder, place);
	} finally {
		lock.release();
	}
}

function holdsLog(store: DocumentStore): store is DocumentStore & HoldsLog {
	return typeof (store as Partial<HoldsLog>).hold === 'function';
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Where the relay keeps files when not in DATA_DIR (for the backup's answer). */
export const filesElsewhere = (config: Pick<Config, 's3'>): string | undefined => (config.s3 ? `the S3 bucket ${config.s3.bucket}` : undefined);
