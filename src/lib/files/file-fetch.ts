// Fetches the chunks of a file this device lacks from several sources at once (the relay, members' devices), keeps
// each verified chunk in the device's blob store as it arrives, and checks the whole file at the end. Resumes from
// what the device already has; only the chunks in flight are ever in memory.
//
// Scheduling: every source runs `parallel` workers; a worker takes the lowest-numbered missing chunk its source has
// and nobody is fetching. A source that fails is dropped for this round and its chunks go back to the others; a
// source whose bytes do not match the manifest is banned for the whole fetch. When a round ends with chunks missing
// (no source had them, or all failed), the fetcher waits and asks the SourceFinder again.
import type { ChunkManifest } from '$lib/model/file-manifest';
import { ChunkRejected, type BlobStore } from './blob-store';
import type { ChunkSource, SourceFinder } from './chunk-source';
import { streamingSha256 } from './hash';

export class FetchError extends Error {}

export interface FetchProgress {
	/** Chunks on the device now. */
	done: number;
	total: number;
	/** Sources working in the current round. */
	sources: number;
	/** True while no source can give what is missing and the fetcher waits to ask again. */
	waiting: boolean;
}

export interface FetchOptions {
	conversationId: string;
	store: BlobStore;
	find: SourceFinder;
	signal?: AbortSignal;
	onProgress?: (progress: FetchProgress) => void;
	/** Pauses between rounds, in ms; the last one repeats. Default: 1 s, 2 s, 5 s, then every 10 s. */
	retryDelays?: number[];
	/** Rounds before giving up (FetchError). Default: never give up (until aborted). */
	maxRounds?: number;
}

const DEFAULT_DELAYS = [1000, 2000, 5000, 10_000];

/** Makes the file complete and verified in `store`; resolves when it is, rejects with FetchError or AbortError. */
export async function fetchFile(manifest: ChunkManifest, options: FetchOptions): Promise<void> {
	const { store, signal } = options;
	const total = manifest.chunks.length;
	await store.putManifest(manifest);
	const missing = new Set<number>(Array.from({ length: total }, (_, i) => i));
	for (const index of await store.presentChunks(manifest.sha256)) missing.delete(index);
	const report = (sources: number, waiting: boolean) => options.onProgress?.({ done: total - missing.size, total, sources, waiting });
	const banned = new Set<string>();
	const delays = options.retryDelays ?? DEFAULT_DELAYS;

	for (let round = 0; missing.size > 0; round++) {
		throwIfAborted(signal);
		if (options.maxRounds !== undefined && round >= options.maxRounds)
			throw new FetchError(`${missing.size} of ${total} parts could not be fetched from any source.`);
		if (round > 0) {
			report(0, true);
			await sleep(delays[Math.min(round - 1, delays.length - 1)] ?? 0, signal);
		}
		const found = (await options.find(options.conversationId, manifest)).filter((s) => !banned.has(sourceKey(s)));
		try {
			await runRound(manifest, store, found, missing, banned, signal, (n) => report(n, false));
		} finally {
			for (const source of found) source.close?.();
		}
	}
	report(0, false);
	await verifyWhole(store, manifest);
}

const sourceKey = (s: ChunkSource) => `${s.kind}:${s.label}`;

/** One round: every source's workers take chunks until nothing more can be had from these sources. */
async function runRound(
	manifest: ChunkManifest,
	store: BlobStore,
	sources: ChunkSource[],
	missing: Set<number>,
	banned: Set<string>,
	signal: AbortSignal | undefined,
	report: (sources: number) => void
): Promise<void> {
	const has = new Map<ChunkSource, Set<number>>();
	await Promise.all(
		sources.map(async (s) => {
			const available = await s.available().catch(() => new Set<number>());
			if (available.size > 0) has.set(s, available);
		})
	);
	const inFlight = new Set<number>();
	let alive = has.size;
	report(alive);
	// Workers waiting for a chunk to come free are woken whenever a fetch ends.
	let wake: () => void = () => {};
	let changed = new Promise<void>((r) => (wake = r));
	const notify = () => {
		wake();
		changed = new Promise<void>((r) => (wake = r));
	};

	const pick = (available: Set<number>): number | undefined => {
		let best: number | undefined;
		for (const index of missing) if (!inFlight.has(index) && available.has(index) && (best === undefined || index < best)) best = index;
		return best;
	};

	async function worker(source: ChunkSource, available: Set<number>, dropped: { value: boolean }): Promise<void> {
		while (!dropped.value && !signal?.aborted) {
			const index = pick(available);
			if (index === undefined) {
				// Nothing for this source now; a chunk another source is fetching may yet come back to the pool.
				if (![...inFlight].some((i) => available.has(i))) return;
				await changed;
				continue;
			}
			inFlight.add(index);
			try {
				let bytes: Uint8Array;
				try {
					bytes = await source.chunk(index, signal);
					await store.putChunk(manifest.sha256, index, bytes);
				} catch (err) {
					// The device itself failing (full, say) ends the fetch; a source failing only ends that source.
					if (!(err instanceof ChunkRejected) && storeFailure(err)) throw err;
					if (signal?.aborted) return;
					// A refused chunk means the source lies (or is broken): never ask it again during this fetch.
					if (err instanceof ChunkRejected) banned.add(sourceKey(source));
					if (!dropped.value) {
						dropped.value = true;
						alive--;
					}
					return;
				}
				missing.delete(index);
			} finally {
				inFlight.delete(index);
				report(alive);
				notify();
			}
		}
	}

	await Promise.all(
		[...has].flatMap(([source, available]) => {
			const dropped = { value: false };
			return Array.from({ length: Math.max(1, source.parallel) }, () => worker(source, available, dropped));
		})
	);
	throwIfAborted(signal);
}

/** Hashes the stored chunks in order: the chunk hashes came from a manifest, which could lie about the whole. */
async function verifyWhole(store: BlobStore, manifest: ChunkManifest): Promise<void> {
	const hash = await streamingSha256();
	for (let index = 0; index < manifest.chunks.length; index++) {
		const bytes = await store.getChunk(manifest.sha256, index);
		if (!bytes) throw new FetchError(`Part ${index} went missing from this device while the file was checked.`);
		hash.update(bytes);
	}
	if (hash.digest() !== manifest.sha256) {
		await store.delete(manifest.sha256);
		throw new FetchError('The file does not match its checksum, so it was not kept.');
	}
}

/** A Blob of a complete stored file. Built a few chunks at a time: a Blob made of a Blob and new parts keeps the
 * earlier bytes in the browser's blob storage (on disk when large), so the JS heap never holds the whole file. */
export async function storedBlob(store: BlobStore, manifest: ChunkManifest, type: string): Promise<Blob> {
	const BATCH = 16;
	let blob = new Blob([], { type });
	let parts: Uint8Array<ArrayBuffer>[] = [];
	for (let index = 0; index < manifest.chunks.length; index++) {
		const bytes = await store.getChunk(manifest.sha256, index);
		if (!bytes) throw new FetchError(`Part ${index} of this file is not on this device.`);
		parts.push(bytes as Uint8Array<ArrayBuffer>);
		if (parts.length === BATCH) {
			blob = new Blob([blob, ...parts], { type });
			parts = [];
		}
	}
	return new Blob([blob, ...parts], { type });
}

/** Sources from several finders (the relay, peers); one that fails adds nothing rather than failing the rest. */
export function combineFinders(...finders: SourceFinder[]): SourceFinder {
	return async (conversationId, manifest) => {
		const lists = await Promise.all(finders.map((find) => find(conversationId, manifest).catch(() => [] as ChunkSource[])));
		return lists.flat();
	};
}

/** IndexedDB's own failures (quota, a closed database) as opposed to a source's network errors. */
function storeFailure(err: unknown): boolean {
	return err instanceof DOMException && ['QuotaExceededError', 'InvalidStateError', 'UnknownError', 'DataError'].includes(err.name);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('The fetch was stopped.', 'AbortError');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(done, ms);
		function done() {
			signal?.removeEventListener('abort', stop);
			resolve();
		}
		function stop() {
			clearTimeout(timer);
			reject(signal?.reason instanceof Error ? signal.reason : new DOMException('The fetch was stopped.', 'AbortError'));
		}
		signal?.addEventListener('abort', stop, { once: true });
	});
}
