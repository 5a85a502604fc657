// An append-only JSON-lines file: each record is written and fsynced before append() returns, so a record
// that was acknowledged survives kill -9. A torn last line (killed mid-write) is dropped with a warning;
// compaction replaces the whole file atomically (temp file, fsync, rename, fsync of the directory).
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export class JournalCorrupt extends Error {}

export interface Journal<T> {
	append(record: T): void;
	/** Replaces the journal with these records (the live state), atomically. */
	rewrite(records: Iterable<T>): void;
	close(): void;
}

export interface OpenedJournal<T> {
	journal: Journal<T>;
	/** How many records it holds. */
	count: number;
}

/**
 * Hands every complete record to `onRecord` in order, repairs a torn tail, and opens the file for appending.
 * Records are handed over as they are parsed and not kept: a replay of thousands holds only what `onRecord` keeps.
 */
export function openJournal<T>(path: string, decode: (value: unknown) => T, warn: (message: string) => void, onRecord: (record: T) => void): OpenedJournal<T> {
	const count = existsSync(path) ? readRecords(path, decode, warn, onRecord) : 0;
	let fd = openSync(path, 'a', 0o600);
	if (count === 0) fsyncDir(dirname(path));

	return {
		count,
		journal: {
			append(record) {
				const before = fstatSync(fd).size;
				try {
					writeAll(fd, JSON.stringify(record) + '\n');
					fsyncSync(fd);
				} catch (err) {
					// A full disk can take half a line: cut it off, or the next record would follow it on the same
					// line and the journal would be damaged in the middle, which the relay refuses to start on.
					try {
						ftruncateSync(fd, before);
					} catch {
						/* the original error says more */
					}
					throw err;
				}
			},
			rewrite(all) {
				const tmp = `${path}.tmp`;
				const out = openSync(tmp, 'w', 0o600);
				try {
					let chunk = '';
					for (const record of all) {
						chunk += JSON.stringify(record) + '\n';
						if (chunk.length > 1 << 20) (writeAll(out, chunk), (chunk = ''));
					}
					writeAll(out, chunk);
					fsyncSync(out);
				} finally {
					closeSync(out);
				}
				renameSync(tmp, path);
				fsyncDir(dirname(path));
				closeSync(fd);
				fd = openSync(path, 'a', 0o600);
			},
			close() {
				closeSync(fd);
			}
		}
	};
}

function readRecords<T>(path: string, decode: (value: unknown) => T, warn: (message: string) => void, onRecord: (record: T) => void): number {
	const text = readFileSync(path, 'utf8');
	// Every record is written with its newline in one write: a last line without one was never acknowledged.
	const complete = text.lastIndexOf('\n') + 1;
	let torn = complete < text.length;
	let count = 0;
	let kept = complete;
	for (let at = 0; at < complete; count++) {
		const end = text.indexOf('\n', at);
		let record: T;
		try {
			record = decode(JSON.parse(text.slice(at, end)));
		} catch (err) {
			// Only the last line may be damaged (a crash of the machine mid-write); anything earlier is real damage.
			if (end + 1 < complete || torn || !(err instanceof SyntaxError))
				throw new JournalCorrupt(`${basename(path)} line ${count + 1} cannot be read (${(err as Error).message}). Restore it from a backup.`);
			torn = true;
			kept = at;
			break;
		}
		onRecord(record);
		at = end + 1;
	}
	if (torn) {
		warn(`${basename(path)}: the last line was cut off (the relay was killed while writing it); dropping it.`);
		truncate(path, Buffer.byteLength(text.slice(0, kept)));
	}
	return count;
}

function truncate(path: string, length: number) {
	const fd = openSync(path, 'r+');
	try {
		ftruncateSync(fd, length);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

function writeAll(fd: number, text: string) {
	const buffer = Buffer.from(text);
	for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
}

function fsyncDir(dir: string) {
	const fd = openSync(dir, 'r');
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}
