// The fetcher's scheduling over simple in-memory sources, storing into the real blob store code on fake-indexeddb.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openBlobStore, type BlobStore } from './blob-store';
import type { ChunkSource, SourceKind } from './chunk-source';
import { bufferSource, chunksOf } from './chunking';
import { combineFinders, fetchFile, FetchError, storedBlob, type FetchProgress } from './file-fetch';
import { sha256Hex } from './hash';
import { buildManifest } from './manifest';

const CHUNK = 1024;
const data = crypto.getRandomValues(new Uint8Array(20 * CHUNK + 300));
const chunks = [...chunksOf(data, CHUNK)];
const manifest = await buildManifest(bufferSource(data), CHUNK);
let dbCount = 0;
const fresh = () => openBlobStore(indexedDB, `fetch-${++dbCount}`);
const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));

interface MemorySource extends ChunkSource {
	served: number[];
	maxInFlight: number;
}

/** A source holding `have` (default all), answering after `delay` ms; `fail(index, served)` makes a request fail. */
function memory(label: string, opts: { have?: number[]; parallel?: number; delay?: number; kind?: SourceKind; fail?: (index: number, served: number) => boolean; lie?: boolean } = {}): MemorySource {
	let inFlight = 0;
	const source: MemorySource = {
		kind: opts.kind ?? 'peer',
		label,
		parallel: opts.parallel ?? 2,
		served: [],
		maxInFlight: 0,
		available: async () => new Set(opts.have ?? chunks.map((_, i) => i)),
		async chunk(index, signal) {
			inFlight++;
			source.maxInFlight = Math.max(source.maxInFlight, inFlight);
			try {
				await tick(opts.delay ?? 2);
				if (signal?.aborted) throw new Error('aborted');
				if (opts.fail?.(index, source.served.length)) throw new Error(`${label} went away`);
				source.served.push(index);
				if (opts.lie) return new Uint8Array(chunks[index]!.length).fill(0x41);
				return chunks[index]!;
			} finally {
				inFlight--;
			}
		}
	};
	return source;
}

async function bytesOf(store: BlobStore): Promise<Uint8Array> {
	return new Uint8Array(await (await storedBlob(store, manifest, 'application/octet-stream')).arrayBuffer());
}

const options = (store: BlobStore, sources: ChunkSource[], extra: object = {}) => ({
	conversationId: 'c1',
	store,
	find: async () => sources,
	retryDelays: [5],
	maxRounds: 5,
	...extra
});

describe('fetchFile', () => {
	it('shares the work between two sources, within each one\'s parallel limit, and keeps identical bytes', async () => {
		const store = await fresh();
		const a = memory('a', { parallel: 2 });
		const b = memory('b', { parallel: 3 });
		const seen: FetchProgress[] = [];
		await fetchFile(manifest, options(store, [a, b], { onProgress: (p: FetchProgress) => seen.push(p) }));
		expect(await store.has(manifest.sha256)).toBe(true);
		expect(await bytesOf(store)).toEqual(data);
		expect(a.served.length).toBeGreaterThan(2);
		expect(b.served.length).toBeGreaterThan(2);
		expect(a.served.length + b.served.length).toBe(chunks.length);
		expect(a.maxInFlight).toBeLessThanOrEqual(2);
		expect(b.maxInFlight).toBeLessThanOrEqual(3);
		expect(seen.at(-1)).toMatchObject({ done: chunks.length, total: chunks.length });
	});

	it('asks each source only for chunks it has', async () => {
		const store = await fresh();
		const evens = chunks.map((_, i) => i).filter((i) => i % 2 === 0);
		const odds = chunks.map((_, i) => i).filter((i) => i % 2 === 1);
		const a = memory('a', { have: evens });
		const b = memory('b', { have: odds });
		await fetchFile(manifest, options(store, [a, b]));
		expect(a.served.sort((x, y) => x - y)).toEqual(evens);
		expect(b.served.sort((x, y) => x - y)).toEqual(odds);
		expect(await bytesOf(store)).toEqual(data);
	});

	it('drops a failing source and gives its chunks to the other', async () => {
		const store = await fresh();
		const flaky = memory('flaky', { fail: (_, served) => served >= 3 });
		const steady = memory('steady', { delay: 5 });
		await fetchFile(manifest, options(store, [flaky, steady]));
		expect(flaky.served.length).toBe(3);
		expect(steady.served.length).toBe(chunks.length - 3);
		expect(await bytesOf(store)).toEqual(data);
	});

	it('refuses a lying source\'s chunks, bans it and gets them elsewhere', async () => {
		const store = await fresh();
		const liar = memory('liar', { lie: true, delay: 1 });
		const honest = memory('honest', { delay: 4 });
		await fetchFile(manifest, options(store, [liar, honest]));
		expect(liar.served.length).toBeGreaterThanOrEqual(1);
		expect(liar.served.length).toBeLessThanOrEqual(2);
		expect(await bytesOf(store)).toEqual(data);
	});

	it('retries later when no source has the file yet, and gives up after maxRounds', async () => {
		const store = await fresh();
		let calls = 0;
		const late = memory('late');
		const find = async () => (++calls < 3 ? [] : [late]);
		const seen: FetchProgress[] = [];
		await fetchFile(manifest, { ...options(store, []), find, onProgress: (p) => seen.push(p) });
		expect(calls).toBe(3);
		expect(seen.some((p) => p.waiting)).toBe(true);
		expect(await store.has(manifest.sha256)).toBe(true);

		const empty = await fresh();
		await expect(fetchFile(manifest, options(empty, [memory('none', { have: [] })], { maxRounds: 2 }))).rejects.toThrow(FetchError);
	});

	it('resumes after an abort, fetching only what is still missing', async () => {
		const store = await fresh();
		const controller = new AbortController();
		const first = memory('first', { parallel: 1, delay: 3 });
		const stopped = fetchFile(manifest, { ...options(store, [first]), signal: controller.signal, onProgress: (p) => p.done >= 5 && controller.abort() });
		await expect(stopped).rejects.toThrow();
		const kept = await store.presentChunks(manifest.sha256);
		expect(kept.length).toBeGreaterThanOrEqual(5);
		expect(kept.length).toBeLessThan(chunks.length);

		const second = memory('second');
		await fetchFile(manifest, options(store, [second]));
		expect(second.served.sort((x, y) => x - y)).toEqual(chunks.map((_, i) => i).filter((i) => !kept.includes(i)));
		expect(await sha256Hex(await bytesOf(store))).toBe(manifest.sha256);
	});

	it('refuses a manifest whose chunks do not make the announced file, and keeps nothing', async () => {
		const store = await fresh();
		const forged = { ...manifest, sha256: 'f'.repeat(64) };
		await expect(fetchFile(forged, options(store, [memory('a')]))).rejects.toThrow(/checksum/);
		expect(await store.manifest(forged.sha256)).toBeUndefined();
		expect(await store.presentChunks(forged.sha256)).toEqual([]);
	});

	it('combines finders, ignoring one that fails', async () => {
		const a = memory('a');
		const find = combineFinders(async () => [a], async () => Promise.reject(new Error('peers offline')));
		expect(await find('c1', manifest)).toEqual([a]);
	});
});
