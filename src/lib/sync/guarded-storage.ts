// Storage that never breaks sync when the device cannot write: a refused write (a full device, a database the
// browser closed) is kept in memory, in order, served to reads as if written, retried until the device takes it,
// and reported as the device's storage health. Writes for a document wait behind its earlier refused ones, so the
// disk never holds a later state without an earlier one (a compaction's removals never outrun its snapshot).
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo/slim';
import { errorText } from '../error-text';

export type StorageHealth =
	| { status: 'ok' }
	/**
	 * full: no space; failed: another refusal. Both are retried by themselves until the device takes the writes;
	 * `triedAt` is when the device last refused them (the first time, or a retry), so the person sees it keeps trying.
	 */
	| { status: 'full' | 'failed'; detail: string; unsaved: readonly string[]; triedAt: number }
	/** The browser took the storage away while the page ran (cleared site data), for the rest of this page's life. */
	| { status: 'closed'; detail: string; unsaved: readonly string[] };

type Write =
	| { op: 'save'; key: StorageKey; data: Uint8Array }
	| { op: 'remove'; key: StorageKey }
	| { op: 'removeRange'; key: StorageKey };

export interface GuardedStorageOptions {
	/** How long to wait before trying refused writes again (again and again, however long the device stays full). */
	retryMs?: number;
	/** The clock for `triedAt` (tests). */
	now?: () => number;
	/** A document's content reached the device (the first time in this page, or again after a refusal). */
	onStored?: (documentId: string) => void;
	/** A document was removed from the device. */
	onRemoved?: (documentId: string) => void;
}

const documentOf = (key: StorageKey) => key[0] ?? '';
const isChunk = (key: StorageKey) => key[1] === 'snapshot' || key[1] === 'incremental';
const sameKey = (a: StorageKey, b: StorageKey) => a.length === b.length && a.every((part, i) => part === b[i]);
const startsWith = (key: StorageKey, prefix: StorageKey) => prefix.every((part, i) => key[i] === part);
const isQuotaError = (err: unknown) => err instanceof Error && err.name === 'QuotaExceededError';

export class GuardedStorage implements StorageAdapterInterface {
	readonly #base: StorageAdapterInterface;
	readonly #options: GuardedStorageOptions;
	/** Refused writes and the writes queued behind them, oldest first. */
	#backlog: Write[] = [];
	#health: StorageHealth = { status: 'ok' };
	#listeners = new Set<(health: StorageHealth) => void>();
	#timer: ReturnType<typeof setTimeout> | undefined;
	#replaying: Promise<boolean> | null = null;
	#stored = new Set<string>();

	constructor(base: StorageAdapterInterface, options: GuardedStorageOptions = {}) {
		this.#base = base;
		this.#options = options;
	}

	get health(): StorageHealth {
		return this.#health;
	}

	/** Bytes waiting in memory for the device to take them. */
	get waitingBytes(): number {
		return this.#backlog.reduce((sum, w) => sum + (w.op === 'save' ? w.data.length : 0), 0);
	}

	/** Calls `listener` now and on every change of health; returns the unsubscribe function. */
	subscribe(listener: (health: StorageHealth) => void): () => void {
		this.#listeners.add(listener);
		listener(this.#health);
		return () => this.#listeners.delete(listener);
	}

	/** Tries the refused writes now; true when none is left. */
	retryNow(): Promise<boolean> {
		this.#replaying ??= this.#replay().finally(() => (this.#replaying = null));
		return this.#replaying;
	}

	/** The storage is gone for good in this page (see StorageHealth 'closed'): stop retrying, say so until a reload. */
	storageClosed(detail: string): void {
		this.close();
		this.#setHealth({ status: 'closed', detail, unsaved: this.#unsaved() });
	}

	/** Stops retrying (the page is closing or the person signed out). */
	close(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	async load(key: StorageKey): Promise<Uint8Array | undefined> {
		const pending = this.#latest(key);
		return pending ? (pending.op === 'save' ? pending.data : undefined) : this.#base.load(key);
	}

	async loadRange(prefix: StorageKey): Promise<Chunk[]> {
		const chunks = new Map<string, Chunk>();
		for (const chunk of await this.#base.loadRange(prefix)) chunks.set(JSON.stringify(chunk.key), chunk);
		for (const write of this.#backlog) {
			if (write.op === 'save' && startsWith(write.key, prefix)) chunks.set(JSON.stringify(write.key), { key: write.key, data: write.data });
			else if (write.op === 'remove' && startsWith(write.key, prefix)) chunks.delete(JSON.stringify(write.key));
			else if (write.op === 'removeRange')
				for (const [id, chunk] of chunks) if (startsWith(chunk.key, write.key)) chunks.delete(id);
		}
		return [...chunks.values()];
	}

	save(key: StorageKey, data: Uint8Array): Promise<void> {
		return this.#write({ op: 'save', key, data });
	}

	remove(key: StorageKey): Promise<void> {
		return this.#write({ op: 'remove', key });
	}

	removeRange(key: StorageKey): Promise<void> {
		return this.#write({ op: 'removeRange', key });
	}

	/** Never rejects: a refused write joins the backlog and the health says so. */
	async #write(write: Write): Promise<void> {
		if (this.#backlog.some((w) => documentOf(w.key) === documentOf(write.key))) return this.#enqueue(write);
		try {
			await this.#apply(write);
		} catch (err) {
			this.#enqueue(write);
			this.#refused(err);
		}
	}

	async #apply(write: Write): Promise<void> {
		if (write.op === 'save') await this.#base.save(write.key, write.data);
		else if (write.op === 'remove') await this.#base.remove(write.key);
		else await this.#base.removeRange(write.key);
		const documentId = documentOf(write.key);
		if (write.op === 'save' && isChunk(write.key) && !this.#stored.has(documentId)) {
			this.#stored.add(documentId);
			this.#options.onStored?.(documentId);
		}
		if (write.op === 'removeRange' && write.key[1] === 'snapshot') {
			this.#stored.delete(documentId);
			this.#options.onRemoved?.(documentId);
		}
	}

	#enqueue(write: Write) {
		// A later write of a key supersedes a save of it still waiting (sync states are rewritten constantly, and a
		// compaction removes the chunks its snapshot replaces): memory holds each document about once, however long
		// the device stays full.
		const supersedes = (w: Write) =>
			w.op === 'save' && (write.op === 'removeRange' ? startsWith(w.key, write.key) : sameKey(w.key, write.key));
		this.#backlog = this.#backlog.filter((w) => !supersedes(w));
		this.#backlog.push(write);
		if (this.#health.status !== 'ok') this.#setHealth({ ...this.#health, unsaved: this.#unsaved() });
	}

	#latest(key: StorageKey): Write | undefined {
		for (let i = this.#backlog.length - 1; i >= 0; i--) {
			const write = this.#backlog[i]!;
			if (write.op === 'removeRange' ? startsWith(key, write.key) : sameKey(write.key, key)) return write;
		}
		return undefined;
	}

	#refused(err: unknown) {
		if (this.#health.status === 'closed') return this.#setHealth({ ...this.#health, unsaved: this.#unsaved() });
		const status = isQuotaError(err) ? 'full' : 'failed';
		this.#setHealth({ status, detail: errorText(err), unsaved: this.#unsaved(), triedAt: (this.#options.now ?? Date.now)() });
		this.#schedule();
	}

	#schedule() {
		if (this.#timer !== undefined) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			void this.retryNow();
		}, this.#options.retryMs ?? 5000);
	}

	async #replay(): Promise<boolean> {
		while (this.#backlog.length > 0) {
			const write = this.#backlog[0]!;
			try {
				await this.#apply(write);
			} catch (err) {
				this.#refused(err);
				return false;
			}
			// Re-find it: a save of the same key may have replaced it meanwhile (then that one still waits).
			const index = this.#backlog.indexOf(write);
			if (index >= 0) this.#backlog.splice(index, 1);
		}
		this.#setHealth({ status: 'ok' });
		return true;
	}

	#unsaved(): string[] {
		return [...new Set(this.#backlog.filter((w) => w.op === 'save' && isChunk(w.key)).map((w) => documentOf(w.key)))];
	}

	#setHealth(health: StorageHealth) {
		this.#health = health;
		for (const listener of this.#listeners) listener(health);
	}
}
