// The relay's automerge-repo storage: files in DATA_DIR/automerge, in the layout of the stock NodeFS adapter, but
// every write goes to a temporary file, is fsynced and renamed into place, so kill -9 (or a power cut) mid-write
// never leaves a torn chunk that would stop a document from loading. The stock adapter writes in place and keeps
// every chunk in memory; this one keeps nothing but the order keys were saved in.
import fs from 'node:fs/promises';
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import { isMissing, isTemporary, keyOf, keyPath, walk, writeFileDurably } from './chunk-files.ts';

export class DurableFsStorageAdapter implements StorageAdapterInterface {
	readonly #dir: string;
	readonly #fsync: boolean;
	/** Save order of the keys written by this process: loadRange returns chunks in that order, as the contract expects. */
	readonly #order = new Map<string, number>();
	#seq = 0;
	#closed = false;
	/** Saves still writing: close() waits for them, so nothing touches DATA_DIR after the relay has stopped. */
	readonly #writing = new Set<Promise<void>>();

	constructor(baseDirectory: string, options: { fsync?: boolean } = {}) {
		this.#dir = baseDirectory;
		this.#fsync = options.fsync ?? true;
	}

	async load(key: StorageKey): Promise<Uint8Array | undefined> {
		try {
			return new Uint8Array(await fs.readFile(this.#file(key)));
		} catch (error) {
			if (isMissing(error)) return undefined;
			throw error;
		}
	}

	async save(key: StorageKey, data: Uint8Array): Promise<void> {
		// After close() the Repo's throttled saves may still fire; close flushed everything already.
		if (this.#closed) return;
		const write = this.#write(key, data);
		this.#writing.add(write);
		try {
			await write;
		} finally {
			this.#writing.delete(write);
		}
	}

	async #write(key: StorageKey, data: Uint8Array): Promise<void> {
		await writeFileDurably(this.#file(key), data, { fsync: this.#fsync });
		this.#order.set(key.join('/'), ++this.#seq);
	}

	async remove(key: StorageKey): Promise<void> {
		if (this.#closed) return;
		this.#order.delete(key.join('/'));
		await fs.rm(this.#file(key), { force: true });
	}

	async loadRange(prefix: StorageKey): Promise<Chunk[]> {
		const files = await walk(this.#path(prefix));
		const keys = files.filter((f) => !isTemporary(f)).map((f) => keyOf(this.#dir, f));
		const rank = (k: StorageKey) => this.#order.get(k.join('/')) ?? Infinity;
		keys.sort((a, b) => rank(a) - rank(b) || (a.join('/') < b.join('/') ? -1 : 1));
		const chunks = await Promise.all(keys.map(async (key) => ({ key, data: await this.load(key) })));
		return chunks.filter((c) => c.data !== undefined);
	}

	async removeRange(prefix: StorageKey): Promise<void> {
		if (this.#closed) return;
		const joined = prefix.join('/');
		for (const key of this.#order.keys()) if (key === joined || key.startsWith(`${joined}/`)) this.#order.delete(key);
		await fs.rm(this.#path(prefix), { recursive: true, force: true });
	}

	/** Later writes are ignored (the Repo has been flushed); resolves once the writes already started are done. */
	async close(): Promise<void> {
		this.#closed = true;
		await Promise.allSettled([...this.#writing]);
	}

	#file(key: StorageKey): string {
		if (key.length === 0) throw new Error('Empty storage key');
		return this.#path(key);
	}

	#path(key: StorageKey): string {
		return keyPath(this.#dir, key);
	}
}
