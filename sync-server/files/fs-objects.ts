// The relay's file bytes on its own disk, under DATA_DIR/blobs: one file per key. A write goes to a temporary file
// beside its place, is fdatasynced, and renamed (or, for "if absent", hard-linked, which fails when the name is
// taken) into place; the directory is then fsynced so the new name survives a power cut. Writes that land in one
// directory at the same moment (the chunks of an upload, four in flight) share one directory fsync: whoever arrives
// while one runs waits for the next, which covers them all.
import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMissing, makeDirectory, syncDirectory, TEMP_MARK } from '../storage/chunk-files.ts';
import { checkKey, type ObjectStore } from './object-store.ts';

export function createFsObjectStore(root: string): ObjectStore {
	const path = (key: string) => join(root, checkKey(key));
	const syncs = directorySyncs();
	/** Directories this store made or found: a chunk's put costs no mkdir (this relay alone writes here: DATA_DIR's lock). */
	const made = new Set<string>();
	const orMissing = <T>(fallback: T) => (err: unknown): T => {
		if (isMissing(err)) return fallback;
		throw err;
	};

	return {
		where: root,
		async put(key, data, options = {}) {
			const file = path(key);
			const dir = dirname(file);
			const temp = `${file}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
			if (!made.has(dir)) {
				await makeDirectory(dir);
				made.add(dir);
			}
			let placed = true;
			try {
				const handle = await open(temp, 'w');
				try {
					await handle.writeFile(data);
					await handle.datasync();
				} finally {
					await handle.close();
				}
				if (options.ifAbsent) {
					placed = await link(temp, file).then(() => true, (err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? false : Promise.reject(err)));
					await rm(temp);
				} else await rename(temp, file);
			} catch (err) {
				await rm(temp, { force: true });
				throw err;
			}
			if (placed) await syncs.sync(dir);
			return placed;
		},
		get: (key) => readFile(path(key)).catch(orMissing(undefined)),
		has: (key) => stat(path(key)).then(() => true, orMissing(false)),
		async list(prefix) {
			const names = await readdir(path(prefix)).catch(orMissing([] as string[]));
			return names.filter((name) => !name.includes(TEMP_MARK));
		},
		remove: (key) => rm(path(key), { force: true }),
		async removeAll(prefix) {
			const gone = path(prefix).replace(/\/?$/, '/');
			for (const dir of made) if (`${dir}/`.startsWith(gone)) made.delete(dir);
			await rm(gone, { recursive: true, force: true });
		}
	};
}

/** Group commit of directory entries: a sync that starts after a rename makes it durable, and one may serve many. */
function directorySyncs() {
	const state = new Map<string, { running: Promise<void>; next?: Promise<void> }>();
	const start = (dir: string): Promise<void> => {
		const running = syncDirectory(dir).finally(() => {
			if (state.get(dir)?.running === running) state.delete(dir);
		});
		state.set(dir, { running });
		return running;
	};
	return {
		sync(dir: string): Promise<void> {
			const current = state.get(dir);
			if (!current) return start(dir);
			// The running one may have begun before this rename: wait for the one after it, shared by all who ask meanwhile.
			return (current.next ??= current.running.catch(() => {}).then(() => start(dir)));
		}
	};
}
