// This device's files for one signed-in person: sharing keeps the bytes here first, records the file in the
// conversation, and queues the upload to the relay (persisted, so it resumes when the network returns and after a
// reload); opening uses the device copy or fetches the missing chunks from the relay and peers and keeps them.
import { backoffDelay } from '$lib/sync/backoff';
import type { FileMeta } from '$lib/model/conversation-schema';
import { chunkCount, CHUNK_SIZE, isChunkManifest, type ChunkManifest, type Sha256Hex } from '$lib/model/file-manifest';
import { errorText } from '$lib/error-text';
import { openBlobStore, type BlobStore } from './blob-store';
import type { SourceFinder } from './chunk-source';
import { blobSource, readChunks } from './chunking';
import { checkRoom, DeviceFull, isQuotaError } from './device-room';
import { combineFinders, fetchFile, storedBlob, type FetchProgress } from './file-fetch';
import { FileAvailability, placeOf } from './file-availability.svelte';
import { sanitizeFileName } from './file-name';
import { buildManifest } from './manifest';
import { relayFinder, relayStat } from './relay-source';
import { RelayUnreachable, uploadStored } from './relay-transfer';
import { isSafePicture, refineType, sniffContentType } from './sniff';
import { makeThumbnail } from './thumbnail';
import { openUploadQueue, type UploadQueueStore } from './upload-queue';

/** Where a file's manifest can come from when this device has never seen it (the relay, a peer). */
export type ManifestFinder = (conversationId: string, sha256: Sha256Hex) => Promise<ChunkManifest | undefined>;

/** The file is not (all) on this device and no source could be asked for it: the relay is out of reach. */
export class NotHereOffline extends Error {}

/** Nobody who can be asked has the file yet: its sharer's upload is still on its way (it was shared offline, say). */
export class NotYetShared extends Error {}

/** What sharing records in the conversation; the store adds who shared it and when. */
export type SharedMeta = Omit<FileMeta, 'uploadedBy' | 'uploadedAt'>;

export interface ShareOptions {
	onProgress?: (p: ShareProgress) => void;
	/** A recording's length, which the recorder knows and a WebM file does not say. */
	durationMs?: number;
}

export interface ShareProgress {
	phase: 'checking' | 'keeping';
	done: number;
	total: number;
}

const RETRY = { initialMs: 2000, maxMs: 60_000 };

export class DeviceFiles {
	readonly availability = new FileAvailability();
	#store: Promise<BlobStore>;
	#queue: Promise<UploadQueueStore>;
	#finders: SourceFinder[];
	#manifestFinders: ManifestFinder[];
	#fetches = new Map<Sha256Hex, Promise<void>>();
	#running = false;
	#again = false;
	#attempt = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#documentFirst: ((conversationId: string) => Promise<unknown>) | undefined;

	constructor(
		private readonly token: string,
		userId: string,
		factory: IDBFactory = indexedDB
	) {
		this.#store = openBlobStore(factory);
		// Per person: a queued upload goes out with the token of whoever shared it.
		this.#queue = openUploadQueue(`caseroom-uploads-${userId}`, factory);
		this.#finders = [relayFinder(token)];
		this.#manifestFinders = [async (conversationId, sha256) => (await relayStat(token, conversationId, sha256))?.manifest];
	}

	/** Sends what is queued now and whenever the browser says it is back online; returns the stop function. */
	start(): () => void {
		const kick = () => this.networkBack();
		addEventListener('online', kick);
		void this.#run();
		return () => {
			removeEventListener('online', kick);
			clearTimeout(this.#timer);
		};
	}

	/** The relay is reachable again (the sync connection said so): send queued uploads at once. */
	networkBack(): void {
		this.#attempt = 0;
		clearTimeout(this.#timer);
		void this.#run();
	}

	/**
	 * Uploads wait for `wait(conversationId)` first: the conversation's change (the message with its thumbnail) reaches
	 * the relay before the file's bytes take the network and the relay's disk, so members see it sooner.
	 */
	sendDocumentsFirst(wait: (conversationId: string) => Promise<unknown>): void {
		this.#documentFirst = wait;
	}

	/** Adds where chunks (and, for files never seen here, manifests) can come from: the peer-to-peer side. */
	addFinder(find: SourceFinder, findManifest?: ManifestFinder): () => void {
		this.#finders.push(find);
		if (findManifest) this.#manifestFinders.push(findManifest);
		return () => {
			this.#finders = this.#finders.filter((f) => f !== find);
			this.#manifestFinders = this.#manifestFinders.filter((f) => f !== findManifest);
		};
	}

	/**
	 * Keeps `file` on this device (refusing with DeviceFull when it does not fit), records it in the conversation
	 * through `record` (a picture with the thumbnail made here, a recording with its `durationMs`), and queues its
	 * upload to the relay. Resolves once the file is here and recorded.
	 */
	async share(conversationId: string, file: File, record: (meta: SharedMeta) => void, options: ShareOptions = {}): Promise<void> {
		const { onProgress, durationMs } = options;
		await checkRoom(file.size);
		const head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
		const type = refineType(sniffContentType(head), file.type);
		// Made while the file is hashed and kept; a picture this browser cannot read is still shared, without one.
		const picture = isSafePicture(type) ? makeThumbnail(file).catch(() => null) : Promise.resolve(null);
		const store = await this.#store;
		const source = blobSource(file);
		// Two passes over the file, one chunk in memory at a time: the hashes first, because the store only takes
		// chunks it can check against a manifest.
		const total = chunkCount(file.size);
		const manifest = await buildManifest(source, CHUNK_SIZE, (index) => onProgress?.({ phase: 'checking', done: index + 1, total }));
		if (!(await store.has(manifest.sha256))) await this.#keep(store, manifest, file, onProgress);
		this.availability.setDevice(manifest.sha256, placeOf(manifest.chunks.length, manifest.chunks.length));
		const name = sanitizeFileName(file.name);
		const media = { ...(await picture), ...(durationMs !== undefined ? { durationMs: Math.round(durationMs) } : {}) };
		// Queued before it is recorded: a file the conversation lists must never miss its way to the relay.
		await (await this.#queue).add({ conversationId, sha256: manifest.sha256, name, queuedAt: Date.now() });
		record({ sha256: manifest.sha256, name, size: file.size, type, ...media });
		this.availability.setRelay(manifest.sha256, { state: 'waiting', done: 0, total: manifest.chunks.length });
		void this.#run();
	}

	async #keep(store: BlobStore, manifest: ChunkManifest, file: File, onProgress?: (p: ShareProgress) => void): Promise<void> {
		const total = manifest.chunks.length;
		try {
			await store.putManifest(manifest);
			for await (const { index, bytes } of readChunks(blobSource(file), manifest.chunkSize)) {
				await store.putChunk(manifest.sha256, index, bytes);
				onProgress?.({ phase: 'keeping', done: index + 1, total });
			}
		} catch (err) {
			// A partial copy helps nobody and takes the space another file needs.
			await store.delete(manifest.sha256).catch(() => undefined);
			if (isQuotaError(err)) {
				const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
				throw new DeviceFull(file.size, Math.max(0, (estimate?.quota ?? 0) - (estimate?.usage ?? 0)), true);
			}
			throw err;
		}
	}

	/** The file's bytes as a Blob: from this device, or fetched (and kept here) when they are not all here yet. */
	async open(conversationId: string, meta: FileMeta, type: string, onProgress?: (p: FetchProgress) => void, signal?: AbortSignal): Promise<Blob> {
		const store = await this.#store;
		let manifest = await store.manifest(meta.sha256);
		if (!manifest || !(await store.has(meta.sha256))) {
			manifest ??= await this.#findManifest(conversationId, meta.sha256);
			await this.fetch(conversationId, manifest, onProgress, signal);
		}
		return storedBlob(store, manifest, type);
	}

	/** Fetches what this device lacks of a file; two callers for one file share one fetch. */
	async fetch(conversationId: string, manifest: ChunkManifest, onProgress?: (p: FetchProgress) => void, signal?: AbortSignal): Promise<void> {
		const store = await this.#store;
		const present = (await store.presentChunks(manifest.sha256)).length;
		await checkRoom((manifest.chunks.length - present) * manifest.chunkSize);
		let running = this.#fetches.get(manifest.sha256);
		if (!running) {
			const sha = manifest.sha256;
			running = fetchFile(manifest, {
				conversationId,
				store,
				find: combineFinders(...this.#finders),
				signal,
				maxRounds: 4,
				onProgress: (p) => {
					this.availability.setDevice(sha, { state: p.done === p.total ? 'complete' : p.waiting ? 'waiting' : 'moving', done: p.done, total: p.total });
					onProgress?.(p);
				}
			}).finally(() => this.#fetches.delete(sha));
			this.#fetches.set(sha, running);
		}
		try {
			await running;
		} catch (err) {
			this.availability.setDevice(manifest.sha256, placeOf((await store.presentChunks(manifest.sha256)).length, manifest.chunks.length));
			throw isQuotaError(err) ? new DeviceFull(manifest.size, 0, true) : err;
		}
	}

	async #findManifest(conversationId: string, sha256: Sha256Hex): Promise<ChunkManifest> {
		let lastError: unknown;
		for (const find of this.#manifestFinders) {
			try {
				const manifest = await find(conversationId, sha256);
				if (isChunkManifest(manifest) && manifest.sha256 === sha256) return manifest;
			} catch (err) {
				lastError = err;
			}
		}
		if (lastError instanceof RelayUnreachable) throw new NotHereOffline('This file is not on this device yet, and the relay cannot be reached.');
		throw lastError ?? new NotYetShared('Neither the relay nor an online member has this file yet.');
	}

	/** Asks this device and the relay where the bytes of `files` are (Details shows it). */
	async refresh(conversationId: string, files: FileMeta[]): Promise<void> {
		const store = await this.#store;
		await Promise.all(
			files.map(async ({ sha256 }) => {
				const current = this.availability.get(sha256);
				if (current.device.state !== 'moving') {
					const manifest = await store.manifest(sha256);
					this.availability.setDevice(sha256, manifest ? placeOf((await store.presentChunks(sha256)).length, manifest.chunks.length) : placeOf(0, 1));
				}
				if (current.relay.state === 'moving' || current.relay.state === 'waiting') return;
				const stat = await relayStat(this.token, conversationId, sha256).catch(() => null);
				// null: the relay cannot be asked now; undefined: it has not heard of the file.
				if (stat !== null) this.availability.setRelay(sha256, stat ? placeOf(stat.present.length, stat.manifest.chunks.length) : placeOf(0, 1));
			})
		);
	}

	/** Sends queued uploads one after another; stops at the first failure and tries again later. */
	async #run(): Promise<void> {
		if (this.#running) {
			this.#again = true;
			return;
		}
		this.#running = true;
		try {
			const [store, queue] = await Promise.all([this.#store, this.#queue]);
			do {
				this.#again = false;
				for (const item of await queue.list()) {
					const manifest = await store.manifest(item.sha256);
					// Nothing to send when the bytes have left this device (cleared by the person, say).
					if (!manifest || !(await store.has(item.sha256))) {
						await queue.remove(item.conversationId, item.sha256);
						continue;
					}
					const total = manifest.chunks.length;
					try {
						await this.#documentFirst?.(item.conversationId);
						await uploadStored(this.token, item.conversationId, store, manifest, ({ done }) =>
							this.availability.setRelay(item.sha256, { state: done === total ? 'complete' : 'moving', done, total })
						);
						await queue.remove(item.conversationId, item.sha256);
						this.availability.setRelay(item.sha256, placeOf(total, total));
						this.#attempt = 0;
					} catch (err) {
						const before = this.availability.get(item.sha256).relay;
						this.availability.setRelay(item.sha256, { state: 'waiting', done: before.done, total, problem: err instanceof RelayUnreachable ? undefined : errorText(err) });
						// The network came back while this attempt was failing: go again now, not after the backoff.
						const wait = this.#again ? 0 : backoffDelay(this.#attempt++, RETRY);
						this.#timer = setTimeout(() => void this.#run(), wait);
						return;
					}
				}
			} while (this.#again);
		} finally {
			this.#running = false;
		}
	}
}
