// The files of the relay's document log: DATA_DIR/automerge/log/<16 hex digits>.log, numbered in the order they
// were started. Only the newest is ever appended to; older ones wait for compaction and are then deleted.
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecord } from './log-record.ts';
import { syncDirectory } from './chunk-files.ts';

const NAME = /^([0-9a-f]{16})\.log$/;
/** How much of a segment is read at once when it is scanned at start. */
const SCAN_BYTES = 1 << 20;

export interface Segment {
	number: number;
	handle: FileHandle;
	/** Bytes of whole records: where the next batch goes. */
	size: number;
	/** A failed write may have left bytes after `size` that could not be cut yet: cut them before the next write. */
	dirtyTail: boolean;
}

export const segmentFile = (logDirectory: string, number: number) => path.join(logDirectory, `${number.toString(16).padStart(16, '0')}.log`);

/** The numbers of the segments in the directory, oldest first. */
export async function listSegments(logDirectory: string): Promise<number[]> {
	const names = await fs.readdir(logDirectory);
	return names.flatMap((name) => (NAME.test(name) ? [parseInt(NAME.exec(name)![1]!, 16)] : [])).sort((a, b) => a - b);
}

/** A new, empty segment whose directory entry is already on disk (so its first fdatasync makes records durable). */
export async function createSegment(logDirectory: string, number: number): Promise<Segment> {
	const handle = await fs.open(segmentFile(logDirectory, number), 'wx+', 0o600);
	try {
		await syncDirectory(logDirectory);
	} catch (error) {
		await handle.close();
		throw error;
	}
	return { number, handle, size: 0, dirtyTail: false };
}

export interface ScannedSegment {
	segment: Segment;
	/** Bytes cut off the end (a record torn by a crash while it was being written), and why they did not read. */
	cut?: { bytes: number; reason: string };
}

/**
 * Opens an existing segment and reports each intact record in it, in order; the first record that does not read
 * (cut short, or its checksum fails) and everything after it is cut off: that is where a crash stopped a write,
 * which was therefore never acknowledged.
 */
export async function scanSegment(logDirectory: string, number: number, onRecord: (documentId: string, position: number, length: number) => void): Promise<ScannedSegment> {
	const handle = await fs.open(segmentFile(logDirectory, number), 'r+');
	try {
		const { size } = await handle.stat();
		let buffer: Buffer = Buffer.alloc(0);
		let bufferStart = 0;
		let offset = 0;
		let reason = '';
		while (offset < size) {
			const decoded = decodeRecord(buffer, offset - bufferStart);
			if (decoded.kind === 'record') {
				onRecord(decoded.documentId, bufferStart + decoded.payloadStart, decoded.payloadLength);
				offset = bufferStart + decoded.next;
			} else if (decoded.kind === 'bad') {
				reason = decoded.reason;
				break;
			} else if (offset + decoded.length > size) {
				reason = 'the file ends inside a record';
				break;
			} else {
				bufferStart = offset;
				buffer = await readSpan(handle, offset, Math.min(size - offset, Math.max(SCAN_BYTES, decoded.length)));
			}
		}
		if (offset < size) {
			await handle.truncate(offset);
			await handle.datasync();
		}
		const segment: Segment = { number, handle, size: offset, dirtyTail: false };
		return offset < size ? { segment, cut: { bytes: size - offset, reason } } : { segment };
	} catch (error) {
		await handle.close();
		throw error;
	}
}

export async function readSpan(handle: FileHandle, position: number, length: number): Promise<Buffer> {
	const buffer = Buffer.allocUnsafe(length);
	for (let done = 0; done < length; ) {
		const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
		if (bytesRead === 0) throw new Error(`The log ends at ${position + done}, inside a record the index expects up to ${position + length}`);
		done += bytesRead;
	}
	return buffer;
}

export async function writeSpan(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
	for (let done = 0; done < buffer.length; ) {
		const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
		done += bytesWritten;
	}
}
