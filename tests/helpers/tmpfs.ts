// A small tmpfs for full-disk tests: a command prefix that runs a process with `dir` mounted as a tmpfs in a
// private mount namespace (`unshare -rm`: root, or unprivileged user namespaces, Debian's default), and a way to
// fill it from outside (through /proc/<pid>/root/<dir>).
import { closeSync, openSync, writeSync } from 'node:fs';

export const inTmpfs = (dir: string, size = '1m') => ['unshare', '-rm', 'sh', '-c', `mount -t tmpfs -o size=${size} tmpfs "${dir}" && exec "$0" "$@"`];

/** Writes zeros to `path` until the disk refuses. */
export function fillDisk(path: string): void {
	const fd = openSync(path, 'w');
	const block = Buffer.alloc(4096);
	try {
		for (;;) writeSync(fd, block);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
	} finally {
		closeSync(fd);
	}
}
