// A device that runs out of space: the real IndexedDB storage (fake-indexeddb) behind a gate that refuses writes
// with QuotaExceededError, as Chromium does (the e2e test storage-faults.e2e.ts checks the real thing).
import 'fake-indexeddb/auto';
import '@automerge/automerge'; // initialises the wasm in Node (the app calls initializeWasm)
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { Repo, type Chunk, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo/slim';
import { describe, expect, it } from 'vitest';
import { GuardedStorage, type StorageHealth } from './guarded-storage';
import { IndexedDBStorage } from './indexeddb-storage';

let dbCount = 0;
const freshDb = () => `guarded-${++dbCount}`;
const bytes = (...values: number[]) => Uint8Array.from(values);

/** The device: real storage whose writes fail while `full` is set. */
class Device implements StorageAdapterInterface {
	full = false;
	constructor(readonly inner: StorageAdapterInterface) {}
	#gate() {
		if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
	}
	load = (key: StorageKey) => this.inner.load(key);
	loadRange = (prefix: StorageKey): Promise<Chunk[]> => this.inner.loadRange(prefix);
	save = async (key: StorageKey, data: Uint8Array) => (this.#gate(), this.inner.save(key, data));
	remove = async (key: StorageKey) => (this.#gate(), this.inner.remove(key));
	removeRange = async (prefix: StorageKey) => (this.#gate(), this.inner.removeRange(prefix));
}

describe('IndexedDBStorage', () => {
	it('reads what automerge-repo’s own adapter wrote, and lists the documents it holds', async () => {
		const name = freshDb();
		const stock = new IndexedDBStorageAdapter(name, 'documents');
		await stock.save(['doc-a', 'snapshot', 'h1'], bytes(1, 2));
		await stock.save(['doc-a', 'sync-state', 'relay'], bytes(3));
		await stock.save(['doc-b', 'incremental', 'h2'], bytes(4));
		await stock.save(['storage-adapter-id'], bytes(5));
		const ours = new IndexedDBStorage(name);
		expect(await ours.load(['doc-a', 'snapshot', 'h1'])).toEqual(bytes(1, 2));
		expect((await ours.loadRange(['doc-a'])).map((c) => c.key)).toEqual([
			['doc-a', 'snapshot', 'h1'],
			['doc-a', 'sync-state', 'relay']
		]);
		expect(await ours.documentIds()).toEqual(new Set(['doc-a', 'doc-b']));
		await ours.removeRange(['doc-a']);
		expect(await ours.documentIds()).toEqual(new Set(['doc-b']));
		expect(await ours.load(['storage-adapter-id'])).toEqual(bytes(5));
	});

	it('makes way when the database is deleted from elsewhere (another window, the browser), and says so', async () => {
		const name = freshDb();
		let closed = 0;
		const ours = new IndexedDBStorage(name, { onClosed: () => closed++ });
		await ours.save(['doc-a', 'snapshot', 'h1'], bytes(1));
		await new Promise((resolve, reject) => {
			const deletion = indexedDB.deleteDatabase(name);
			deletion.onsuccess = resolve;
			deletion.onerror = reject;
			deletion.onblocked = () => reject(new Error('the open connection blocked the deletion'));
		});
		expect(closed).toBe(1);
		expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
	});
});

describe('GuardedStorage', () => {
	it('keeps a refused write in memory, says the device is full, and writes it once space returns', async () => {
		const device = new Device(new IndexedDBStorage(freshDb()));
		const stored: string[] = [];
		const storage = new GuardedStorage(device, { retryMs: 60_000, onStored: (id) => stored.push(id) });
		const health: StorageHealth[] = [];
		storage.subscribe((h) => health.push(h));

		device.full = true;
		await expect(storage.save(['doc-a', 'incremental', 'x'], bytes(7))).resolves.toBeUndefined();
		expect(storage.health).toMatchObject({ status: 'full', unsaved: ['doc-a'] });
		expect(await storage.load(['doc-a', 'incremental', 'x'])).toEqual(bytes(7));
		expect(await device.load(['doc-a', 'incremental', 'x'])).toBeUndefined();
		expect(await storage.retryNow()).toBe(false);

		device.full = false;
		expect(await storage.retryNow()).toBe(true);
		expect(storage.health).toEqual({ status: 'ok' });
		expect(await device.load(['doc-a', 'incremental', 'x'])).toEqual(bytes(7));
		expect(stored).toEqual(['doc-a']);
		expect(health.map((h) => h.status)).toEqual(['ok', 'full', 'full', 'ok']);
		storage.close();
	});

	it('never lets a removal reach the device before the refused snapshot that replaces it', async () => {
		const device = new Device(new IndexedDBStorage(freshDb()));
		const storage = new GuardedStorage(device, { retryMs: 60_000 });
		await storage.save(['doc-a', 'incremental', 'old'], bytes(1));
		device.full = true;
		await storage.save(['doc-a', 'snapshot', 'new'], bytes(1, 2));
		device.full = false; // a removal alone would succeed: it must wait anyway
		await storage.remove(['doc-a', 'incremental', 'old']);
		expect(await device.load(['doc-a', 'incremental', 'old'])).toEqual(bytes(1));
		expect((await storage.loadRange(['doc-a'])).map((c) => c.key)).toEqual([['doc-a', 'snapshot', 'new']]);
		await storage.retryNow();
		expect((await device.loadRange(['doc-a'])).map((c) => c.key)).toEqual([['doc-a', 'snapshot', 'new']]);
		storage.close();
	});

	it('says so for good once the browser took the storage away, whatever fails after', async () => {
		const device = new Device(new IndexedDBStorage(freshDb()));
		const storage = new GuardedStorage(device, { retryMs: 60_000 });
		storage.storageClosed('gone');
		device.full = true;
		await storage.save(['doc-a', 'snapshot', 's'], bytes(1));
		expect(storage.health).toEqual({ status: 'closed', detail: 'gone', unsaved: ['doc-a'] });
	});

	it('holds a document about once in memory however long the device stays full', async () => {
		const device = new Device(new IndexedDBStorage(freshDb()));
		const storage = new GuardedStorage(device, { retryMs: 60_000 });
		const repo = new Repo({ storage, network: [] });
		const handle = repo.create<{ messages: string[] }>({ messages: [] });
		await repo.flush();
		device.full = true;
		for (let i = 0; i < 300; i++) {
			handle.change((d) => void d.messages.push(`message ${i} `.repeat(20)));
			if (i % 10 === 0) await repo.flush();
		}
		await repo.flush();
		// Compactions replaced the incremental chunks waiting in memory: what waits is about the document's size.
		const snapshot = (await import('@automerge/automerge')).save(handle.doc()).length;
		expect(storage.waitingBytes).toBeLessThan(3 * snapshot);
		device.full = false;
		expect(await storage.retryNow()).toBe(true);
		await repo.shutdown();
	});

	it('retries by itself', async () => {
		const device = new Device(new IndexedDBStorage(freshDb()));
		const storage = new GuardedStorage(device, { retryMs: 20 });
		device.full = true;
		await storage.save(['doc-a', 'snapshot', 's'], bytes(9));
		device.full = false;
		await expect.poll(() => storage.health.status, { timeout: 2000 }).toBe('ok');
		expect(await device.load(['doc-a', 'snapshot', 's'])).toEqual(bytes(9));
		storage.close();
	});

	it('keeps retrying while the device stays full, says when it last tried, and saves once space returns late', async () => {
		const device = new Device(new IndexedDBStorage(freshDb()));
		let clock = 1_000;
		const storage = new GuardedStorage(device, { retryMs: 20, now: () => clock });
		device.full = true;
		await storage.save(['doc-a', 'snapshot', 's'], bytes(9));
		expect(storage.health).toMatchObject({ status: 'full', triedAt: 1_000 });
		// Space comes back only much later (a tablet reclaiming deleted photos): every retry meanwhile is refused again.
		clock = 2_000;
		await expect.poll(() => storage.health.status === 'full' && storage.health.triedAt, { timeout: 2000 }).toBe(2_000);
		clock = 3_000;
		await expect.poll(() => storage.health.status === 'full' && storage.health.triedAt, { timeout: 2000 }).toBe(3_000);
		device.full = false;
		await expect.poll(() => storage.health.status, { timeout: 2000 }).toBe('ok');
		expect(await device.load(['doc-a', 'snapshot', 's'])).toEqual(bytes(9));
		storage.close();
	});

	it('lets a Repo write through a full device without failing, and a reload finds everything once space returns', async () => {
		const name = freshDb();
		const device = new Device(new IndexedDBStorage(name));
		const storage = new GuardedStorage(device, { retryMs: 60_000 });
		const repo = new Repo({ storage, network: [] });
		const handle = repo.create<{ messages: string[] }>({ messages: ['before'] });
		await repo.flush();
		device.full = true;
		for (let i = 0; i < 20; i++) handle.change((d) => void d.messages.push(`while full ${i}`));
		await repo.flush(); // settles although every write is refused
		expect(storage.health).toMatchObject({ status: 'full', unsaved: [handle.documentId] });
		device.full = false;
		expect(await storage.retryNow()).toBe(true);
		await repo.shutdown();

		const reloaded = new Repo({ storage: new IndexedDBStorage(name), network: [] });
		const again = await reloaded.find<{ messages: string[] }>(handle.url);
		expect(again.doc().messages).toHaveLength(21);
		await reloaded.shutdown();
	});
});
