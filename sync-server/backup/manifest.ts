// A backup's manifest.json: what the backup holds (every file with its size and SHA-256), when and from where it was
// taken, and how long it held the relay's compaction. Restore trusts nothing else in the backup folder: a file the
// manifest does not list is not restored, and one that does not match its line refuses the whole restore.
// Reads no files: encoding, decoding and checking only.

export const MANIFEST_NAME = 'manifest.json';
/** The same hashes in `sha256sum -c` form, so anyone can check a backup with standard tools. */
export const SUMS_NAME = 'SHA256SUMS';
const FORMAT = 'caseroom-backup';
const VERSION = 1;

/** What DATA_DIR holds that a backup carries; anything else there (the lock, the admin socket) is not data. */
export const BACKED_UP = ['token-key', 'directory.jsonl', 'automerge', 'blobs'] as const;
/** In DATA_DIR, but belongs to the process that runs on it. */
export const NOT_DATA = ['relay.lock', 'admin.sock', 'directory.jsonl.tmp'];

export interface BackupFile {
	/** Relative to DATA_DIR, with `/` between folders, e.g. `automerge/log/0000000000000003.log`. */
	path: string;
	bytes: number;
	sha256: string;
}

export interface BackupManifest {
	format: typeof FORMAT;
	version: typeof VERSION;
	/** ISO 8601, when the backup command started. */
	createdAt: string;
	/** The DATA_DIR it was taken from, and whether a relay was running on it then. */
	source: { dataDir: string; relayRunning: boolean };
	/** How long compaction was held (appends and everything else went on), and how much of it waited for a step under way. */
	compactionHeldMs: number;
	holdWaitedMs: number;
	files: BackupFile[];
}

export class BackupError extends Error {}

export function makeManifest(fields: Omit<BackupManifest, 'format' | 'version'>): BackupManifest {
	return { format: FORMAT, version: VERSION, ...fields };
}

export function encodeManifest(manifest: BackupManifest): string {
	return JSON.stringify(manifest, null, '\t') + '\n';
}

export function sha256Sums(files: readonly BackupFile[]): string {
	return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

const PART = /^[A-Za-z0-9_.-]{1,200}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Only a path under DATA_DIR that a relay keeps: never `..`, never absolute, never the lock or the socket. */
export function isDataPath(path: string): boolean {
	const parts = path.split('/');
	if (!parts.every((p) => PART.test(p) && p !== '.' && p !== '..')) return false;
	const top = parts[0] as (typeof BACKED_UP)[number];
	if (!BACKED_UP.includes(top)) return false;
	// The two files are files; the two folders hold files.
	return top === 'automerge' || top === 'blobs' ? parts.length > 1 : parts.length === 1;
}

/** The manifest from its text; a clear BackupError when it is not one this relay can restore. */
export function decodeManifest(text: string): BackupManifest {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (err) {
		throw new BackupError(`${MANIFEST_NAME} cannot be read (${(err as Error).message}): the backup is damaged.`);
	}
	const m = value as Partial<BackupManifest> | null;
	if (typeof m !== 'object' || m === null || m.format !== FORMAT) throw new BackupError(`${MANIFEST_NAME} is not the manifest of a Caseroom backup.`);
	if (m.version !== VERSION) throw new BackupError(`This backup has format version ${String(m.version)}; this relay restores version ${VERSION}. Restore it with the relay version that took it.`);
	if (typeof m.createdAt !== 'string' || !Array.isArray(m.files)) throw new BackupError(`${MANIFEST_NAME} is damaged: it has no list of files.`);
	const seen = new Set<string>();
	for (const f of m.files as unknown[]) {
		const { path, bytes, sha256 } = (f ?? {}) as Partial<BackupFile>;
		if (typeof path !== 'string' || !isDataPath(path)) throw new BackupError(`${MANIFEST_NAME} lists ${JSON.stringify(path)}, which is not a file a relay keeps in DATA_DIR: the backup is damaged.`);
		if (!Number.isSafeInteger(bytes) || (bytes as number) < 0 || typeof sha256 !== 'string' || !HEX64.test(sha256))
			throw new BackupError(`${MANIFEST_NAME} is damaged at ${path}: its size or SHA-256 is not valid.`);
		if (seen.has(path)) throw new BackupError(`${MANIFEST_NAME} lists ${path} twice: the backup is damaged.`);
		seen.add(path);
	}
	if (!seen.has('token-key') && !seen.has('directory.jsonl') && ![...seen].some((p) => p.startsWith('automerge/')))
		throw new BackupError(`${MANIFEST_NAME} lists none of a relay's data: the backup is empty.`);
	return m as BackupManifest;
}
