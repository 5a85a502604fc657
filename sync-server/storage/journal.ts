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
	records: T[];
}

/** Reads every complete record, repairs a torn tail, and opens the file for appending. */
export function openJournal<T>(path: string, decode: (value: unknown) => T, warn: (message: string) => void): OpenedJournal<T> {
	const records = existsSync(path) ? readRecords(path, decode, warn) : [];
	let fd = openSync(path, 'a', 0o600);
	if (records.length === 0) fsyncDir(dirname(path));

	return {
		records,
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

function readRecords<T>(path: string, decode: (value: unknown) => T, warn: (message: string) => void): T[] {
	const text = readFileSync(path, 'utf8');
	// Every record is written with its newline in one write: a last line without one was never acknowledged.
	const lines = text.split('\n');
	const unfinished = lines.pop() ?? '';
	const records: T[] = [];
	let goodBytes = 0;
	let torn = unfinished !== '';
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		try {
			records.push(decode(JSON.parse(line)));
		} catch (err) {
			// Only the last line may be damaged (a crash of the machine mid-write); anything earlier is real damage.
			if (i < lines.length - 1 || unfinished !== '' || !(err instanceof SyntaxError))
				throw new JournalCorrupt(`${basename(path)} line ${i + 1} cannot be read (${(err as Error).message}). Restore it from a backup.`);
			torn = true;
			break;
		}
		goodBytes += Buffer.byteLength(line) + 1;
	}
	if (torn) {
		warn(`${basename(path)}: the last line was cut off (the relay was killed while writing it); dropping it.`);
		truncate(path, goodBytes);
	}
	return records;
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
