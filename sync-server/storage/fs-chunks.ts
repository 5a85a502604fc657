// The relay's automerge-repo storage: files in DATA_DIR/automerge, in the layout of the stock NodeFS adapter, but
// every write goes to a temporary file, is fsynced and renamed into place, so kill -9 (or a power cut) mid-write
// never leaves a torn chunk that would stop a document from loading. The stock adapter writes in place and keeps
// every chunk in memory; this one keeps nothing but the order keys were saved in.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';

const SAFE_PART = /^[A-Za-z0-9_-]{1,200}$/;
const TEMP_MARK = '.tmp-';

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
		const file = this.#file(key);
		const dir = path.dirname(file);
		const temp = `${file}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
		await fs.mkdir(dir, { recursive: true });
		try {
			const handle = await fs.open(temp, 'w');
			try {
				await handle.writeFile(data);
				if (this.#fsync) await handle.datasync();
			} finally {
				await handle.close();
			}
			await fs.rename(temp, file);
		} catch (error) {
			await fs.rm(temp, { force: true }).catch(() => {});
			throw error;
		}
		if (this.#fsync) await syncDirectory(dir);
		this.#order.set(key.join('/'), ++this.#seq);
	}

	async remove(key: StorageKey): Promise<void> {
		if (this.#closed) return;
		this.#order.delete(key.join('/'));
		await fs.rm(this.#file(key), { force: true });
	}

	async loadRange(prefix: StorageKey): Promise<Chunk[]> {
		const files = await walk(this.#path(prefix));
		const keys = files.filter((f) => !path.basename(f).includes(TEMP_MARK)).map((f) => this.#keyOf(f));
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

	/** Stock NodeFS layout: the first key part split after two characters, e.g. `3x/Gh…/snapshot/<hash>`. */
	#path(key: StorageKey): string {
		for (const part of key) if (!SAFE_PART.test(part)) throw new Error(`Unsafe storage key part: ${JSON.stringify(part)}`);
		const [first, ...rest] = key;
		if (first === undefined) return this.#dir;
		if (first.length < 3) throw new Error(`Storage key part too short: ${first}`);
		return path.join(this.#dir, first.slice(0, 2), first.slice(2), ...rest);
	}

	#keyOf(file: string): StorageKey {
		const [head = '', tail = '', ...rest] = path.relative(this.#dir, file).split(path.sep);
		return [head + tail, ...rest];
	}
}

function isMissing(error: unknown): boolean {
	return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** The rename is only durable once the directory entry is on disk. */
async function syncDirectory(dir: string): Promise<void> {
	const handle = await fs.open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

async function walk(dir: string): Promise<string[]> {
	let entries;
	try {
		entries = await fs.readdir(dir, { withFileTypes: true });
	} catch (error) {
		if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
		throw error;
	}
	const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])));
	return nested.flat();
}
