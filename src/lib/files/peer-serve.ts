// The serving side of a file data channel: answers another member's HAVE? and CHUNK? from this device's blob store,
// but only for files that belong to the conversation the connection was opened for. The relay let the connection
// through because both people are members of THAT conversation; someone who shares another conversation with us
// must not get its files by naming their hashes. Chunks go out one request at a time, in order, each split into
// frames, waiting whenever the channel's buffer is full (backpressure), and reading the next chunk from IndexedDB
// while the current one is being sent.
import type { Sha256Hex } from '$lib/model/file-manifest';
import type { BlobStore } from './blob-store';
import type { FrameChannel } from './peer-channel';
import { dataFrames, errorFrame, haveList, Op, type Frame } from './peer-frames';

export type ChunkReader = Pick<BlobStore, 'manifest' | 'getChunk' | 'presentChunks'>;

export interface ServeOptions {
	channel: FrameChannel;
	store: ChunkReader;
	/** Is this file one of the files of the connection's conversation (asked on every request: files come and go)? */
	isShared(file: Sha256Hex): boolean | Promise<boolean>;
}

/** More queued chunk requests than this from one asker are refused as busy (it should keep a few in flight). */
export const MAX_QUEUED = 64;
/** Chunks read from IndexedDB ahead of the one being sent, so a slow read never leaves the channel idle. */
const READ_AHEAD = 4;

const NOT_SHARED = 'This file is not part of the conversation this connection is for.';

export function serveFiles({ channel, store, isShared }: ServeOptions): void {
	type Ask = Extract<Frame, { op: typeof Op.ChunkAsk }>;
	const queue: { ask: Ask; reading?: ReturnType<typeof read> }[] = [];
	const cancelled = new Set<number>();
	let running = false;

	const reply = (frame: Uint8Array) => {
		if (!channel.closed) channel.send(frame);
	};

	/** The chunk's bytes, or the error frame that says why there are none. */
	async function read(ask: Ask): Promise<{ bytes: Uint8Array } | { refusal: Uint8Array }> {
		if (!(await isShared(ask.file))) return { refusal: errorFrame(ask.id, 'not-shared', NOT_SHARED) };
		const bytes = await store.getChunk(ask.file, ask.index).catch(() => undefined);
		return bytes ? { bytes } : { refusal: errorFrame(ask.id, 'not-here', `Chunk ${ask.index} of this file is not on this device.`) };
	}

	async function pump(): Promise<void> {
		running = true;
		try {
			while (queue.length > 0 && !channel.closed) {
				// Read ahead: IndexedDB works on the next chunks while this one drains into the channel.
				for (const entry of queue.slice(0, READ_AHEAD)) entry.reading ??= read(entry.ask);
				const { ask, reading } = queue.shift()!;
				const answer = await reading!;
				if (cancelled.delete(ask.id)) continue;
				if ('refusal' in answer) {
					reply(answer.refusal);
					continue;
				}
				for (const frame of dataFrames(ask.id, answer.bytes)) {
					await channel.writable();
					if (cancelled.delete(ask.id)) break;
					reply(frame);
				}
			}
		} catch {
			// The channel closed while waiting to send: nothing left to answer.
		} finally {
			running = false;
		}
	}

	async function answerHave(id: number, file: Sha256Hex): Promise<void> {
		if (!(await isShared(file))) return reply(errorFrame(id, 'not-shared', NOT_SHARED));
		const manifest = await store.manifest(file).catch(() => undefined);
		if (!manifest) return reply(errorFrame(id, 'not-here', 'This file is not on this device.'));
		reply(haveList(id, manifest.chunks.length, await store.presentChunks(file)));
	}

	channel.onFrame((frame) => {
		switch (frame.op) {
			case Op.HaveAsk:
				void answerHave(frame.id, frame.file).catch(() => reply(errorFrame(frame.id, 'not-here', 'This device could not read its file store.')));
				return;
			case Op.ChunkAsk:
				if (queue.length >= MAX_QUEUED) return reply(errorFrame(frame.id, 'busy', 'Too many requests at once.'));
				queue.push({ ask: frame });
				if (!running) void pump();
				return;
			case Op.Cancel:
				if (queue.some((e) => e.ask.id === frame.id) || running) cancelled.add(frame.id);
				return;
			default:
				// Answers are not for the serving side; a confused peer gets nothing.
				return;
		}
	});
}
