// The asking side of a file data channel: a ChunkSource per file over one connection to another member's device.
// Several requests travel at once (the server answers them in order); each chunk is put together from its DATA
// frames. When the connection drops, or the other device goes quiet, every open request rejects so the fetcher
// carries on with another source from where it stopped. Bytes are not checked here: the fetcher verifies them.
import type { ChunkManifest, Sha256Hex } from '$lib/model/file-manifest';
import type { ChunkSource } from './chunk-source';
import type { FrameChannel } from './peer-channel';
import { cancelFrame, chunkAsk, haveAsk, Op, type Frame } from './peer-frames';

export class PeerRefused extends Error {}

/**
 * No frame for a request in this long: the other device is gone even if the channel has not noticed yet (a closed
 * tablet's data channel can take half a minute to say so). Frames of a busy chunk arrive every few milliseconds.
 */
export const QUIET_MS = 8000;
/** Requests kept in flight per source: 2 MiB asked for keeps the channel and the sender's read-ahead busy. */
export const PEER_PARALLEL = 8;

interface Pending {
	resolve(value: Frame): void;
	reject(err: Error): void;
	/** For a chunk: the bytes so far. */
	buffer?: Uint8Array;
	received: number;
	timer: ReturnType<typeof setTimeout>;
}

/** One connection's requests, shared by the sources of every file asked for over it. */
export class PeerRequester {
	readonly #channel: FrameChannel;
	readonly #pending = new Map<number, Pending>();
	#nextId = 1;

	constructor(channel: FrameChannel) {
		this.#channel = channel;
		channel.onFrame((frame) => this.#receive(frame));
		channel.onClose(() => this.#failAll(new Error('The other device went offline.')));
	}

	get closed(): boolean {
		return this.#channel.closed;
	}

	onClose(listener: () => void): void {
		this.#channel.onClose(listener);
	}

	/** The chunk indices the other device has of this file. */
	async have(file: Sha256Hex): Promise<Set<number>> {
		const frame = await this.#ask((id) => haveAsk(id, file));
		if (frame.op !== Op.Have) throw new PeerRefused('The other device answered something else.');
		return new Set(frame.have);
	}

	async chunk(file: Sha256Hex, index: number, signal?: AbortSignal): Promise<Uint8Array> {
		const frame = await this.#ask((id) => chunkAsk(id, file, index), signal, true);
		if (frame.op !== Op.Data) throw new PeerRefused('The other device answered something else.');
		return frame.bytes;
	}

	close(): void {
		this.#channel.close();
	}

	#ask(build: (id: number) => Uint8Array, signal?: AbortSignal, chunk = false): Promise<Frame> {
		if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
		if (this.#channel.closed) return Promise.reject(new Error('The other device went offline.'));
		const id = this.#nextId++;
		return new Promise<Frame>((resolve, reject) => {
			const done = () => {
				clearTimeout(entry.timer);
				this.#pending.delete(id);
				signal?.removeEventListener('abort', abort);
			};
			const entry: Pending = {
				resolve: (frame) => (done(), resolve(frame)),
				reject: (err) => (done(), reject(err)),
				received: chunk ? 0 : -1,
				timer: setTimeout(() => this.#silent(), QUIET_MS)
			};
			const abort = () => {
				if (!this.#channel.closed) this.#channel.send(cancelFrame(id));
				entry.reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
			};
			signal?.addEventListener('abort', abort, { once: true });
			this.#pending.set(id, entry);
			try {
				this.#channel.send(build(id));
			} catch (err) {
				entry.reject(err instanceof Error ? err : new Error(String(err)));
			}
		});
	}

	#receive(frame: Frame): void {
		const entry = this.#pending.get(frame.id);
		if (!entry) return; // late frames of a cancelled or timed-out request
		if (frame.op === Op.Error) return entry.reject(new PeerRefused(frame.message));
		if (frame.op !== Op.Data) return entry.resolve(frame);
		// Parts arrive in order over a reliable, ordered channel: anything else is a broken peer.
		if (frame.offset !== entry.received || (entry.buffer && entry.buffer.byteLength !== frame.total)) {
			return entry.reject(new PeerRefused('The other device sent a chunk out of order.'));
		}
		entry.buffer ??= new Uint8Array(frame.total);
		entry.buffer.set(frame.bytes, frame.offset);
		entry.received += frame.bytes.byteLength;
		clearTimeout(entry.timer);
		entry.timer = setTimeout(() => this.#silent(), QUIET_MS);
		if (entry.received === frame.total) entry.resolve({ ...frame, offset: 0, bytes: entry.buffer });
	}

	/** The other device stopped answering: give the connection up (every open request fails, the fetcher moves on). */
	#silent(): void {
		this.#failAll(new Error('The other device stopped answering.'));
		this.#channel.close();
	}

	#failAll(err: Error): void {
		for (const entry of [...this.#pending.values()]) entry.reject(err);
	}
}

/** A ChunkSource for one file on one other device; `release` runs when the fetcher is done with it. */
export function peerChunkSource(requester: PeerRequester, manifest: ChunkManifest, label: string, release?: () => void): ChunkSource {
	return {
		kind: 'peer',
		label,
		parallel: PEER_PARALLEL,
		available: () => requester.have(manifest.sha256),
		chunk: (index, signal) => requester.chunk(manifest.sha256, index, signal),
		close: () => release?.()
	};
}
