// One writer per DATA_DIR: a lock file holding the relay's pid. A lock whose pid is dead (or is this very
// process after a restart in a container, where pids repeat) is stale and taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLocked extends Error {}

const held = new Set<string>();

export interface DataDirLock {
	release(): void;
}

export function lockDataDir(dataDir: string, holder = 'relay'): DataDirLock {
	const path = join(dataDir, 'relay.lock');
	for (let attempt = 0; ; attempt++) {
		try {
			const fd = openSync(path, 'wx', 0o600);
			writeSync(fd, `${process.pid}\n${holder}\n`);
			closeSync(fd);
			held.add(path);
			return {
				release() {
					if (!held.delete(path)) return;
					try {
						unlinkSync(path);
					} catch {
						/* already gone */
					}
				}
			};
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
		}
		const [pidLine, owner] = readLock(path);
		const pid = Number(pidLine);
		if (held.has(path) || (pid !== process.pid && isAlive(pid)))
			throw new DataDirLocked(
				`Another Caseroom ${owner || 'relay'} (pid ${pid}) is using ${dataDir}. Stop it first; ` +
					`if none is running, delete ${path}.`
			);
		try {
			unlinkSync(path);
		} catch {
			/* taken over by someone else meanwhile: the next attempt says so */
		}
	}
}

function readLock(path: string): string[] {
	try {
		return readFileSync(path, 'utf8').split('\n');
	} catch {
		return [];
	}
}

function isAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}
