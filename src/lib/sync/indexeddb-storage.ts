// The Repo's IndexedDB storage, in the format of automerge-repo's own adapter (one object store, records
// `{ key, binary }` under array keys), so databases written before stay readable. Written here because the stock
// adapter never settles a write the browser refuses for lack of space: such a transaction aborts with
// QuotaExceededError and fires only `abort` (checked in Chromium), which it does not listen for, so its save() hung
// and every later save of that document queued behind it for ever.
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo/slim';
import { committed, requestResult } from '$lib/idb';

const rangeOf = (prefix: StorageKey) => IDBKeyRange.bound(prefix, [...prefix, '\uffff']);
const binaryOf = (record: unknown) =>
	record && typeof record === 'object' && 'binary' in record ? (record.binary as Uint8Array) : undefined;

export class IndexedDBStorage implements StorageAdapterInterface {
	readonly #db: Promise<IDBDatabase>;
	readonly #store: string;

	/**
	 * `onClosed`: the browser took the database away while the page had it open — site data cleared, or deleted from
	 * another window (which this connection makes way for). Nothing written after that is kept.
	 */
	constructor(database: string, options: { store?: string; factory?: IDBFactory; onClosed?: () => void } = {}) {
		const store = (this.#store = options.store ?? 'documents');
		this.#db = new Promise((resolve, reject) => {
			const open = (options.factory ?? indexedDB).open(database, 1);
			open.onupgradeneeded = () => open.result.createObjectStore(store);
			open.onsuccess = () => {
				const db = open.result;
				db.onclose = () => options.onClosed?.();
				db.onversionchange = () => {
					db.close(); // never block a deletion; `close` does not fire for a close of our own
					options.onClosed?.();
				};
				resolve(db);
			};
			open.onerror = () => reject(open.error);
		});
	}

	async #transaction(mode: IDBTransactionMode): Promise<{ transaction: IDBTransaction; store: IDBObjectStore }> {
		const transaction = (await this.#db).transaction(this.#store, mode);
		return { transaction, store: transaction.objectStore(this.#store) };
	}

	async load(key: StorageKey): Promise<Uint8Array | undefined> {
		const { store } = await this.#transaction('readonly');
		return binaryOf(await requestResult(store.get(key)));
	}

	async loadRange(prefix: StorageKey): Promise<Chunk[]> {
		const { store } = await this.#transaction('readonly');
		const range = rangeOf(prefix);
		const [keys, values] = await Promise.all([requestResult(store.getAllKeys(range)), requestResult(store.getAll(range))]);
		return keys.map((key, i) => ({ key: key as StorageKey, data: binaryOf(values[i]) }));
	}

	/** The documents with content in the database (a snapshot or incremental chunk), from the keys alone. */
	async documentIds(): Promise<Set<string>> {
		const { store } = await this.#transaction('readonly');
		const keys = (await requestResult(store.getAllKeys())) as StorageKey[];
		return new Set(keys.filter((k) => Array.isArray(k) && (k[1] === 'snapshot' || k[1] === 'incremental')).map((k) => k[0] ?? ''));
	}

	async save(key: StorageKey, binary: Uint8Array): Promise<void> {
		const { transaction, store } = await this.#transaction('readwrite');
		store.put({ key, binary }, key);
		return committed(transaction);
	}

	async remove(key: StorageKey): Promise<void> {
		const { transaction, store } = await this.#transaction('readwrite');
		store.delete(key);
		return committed(transaction);
	}

	async removeRange(prefix: StorageKey): Promise<void> {
		const { transaction, store } = await this.#transaction('readwrite');
		store.delete(rangeOf(prefix));
		return committed(transaction);
	}
}
