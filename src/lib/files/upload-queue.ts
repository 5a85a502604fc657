// The uploads still owed to the relay, kept in IndexedDB so a file shared offline reaches the relay after a reload
// too. Only the address is kept here: the bytes are already in the device's blob store.
import type { Sha256Hex } from '$lib/model/file-manifest';
import { committed, openDatabase } from '$lib/idb';

export interface QueuedUpload {
	conversationId: string;
	sha256: Sha256Hex;
	name: string;
	queuedAt: number;
}

export interface UploadQueueStore {
	list(): Promise<QueuedUpload[]>;
	add(upload: QueuedUpload): Promise<void>;
	remove(conversationId: string, sha256: Sha256Hex): Promise<void>;
}

const STORE = 'uploads';

export async function openUploadQueue(name: string, factory: IDBFactory = indexedDB): Promise<UploadQueueStore> {
	const db = await openDatabase(factory, name, 1, (db) => db.createObjectStore(STORE, { keyPath: ['conversationId', 'sha256'] }));
	const run = <T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
		const tx = db.transaction(STORE, mode);
		const req = body(tx.objectStore(STORE));
		return committed(tx, () => req.result);
	};
	return {
		list: async () => ((await run('readonly', (s) => s.getAll())) as QueuedUpload[]).sort((a, b) => a.queuedAt - b.queuedAt),
		add: async (upload) => void (await run('readwrite', (s) => s.put(upload))),
		remove: async (conversationId, sha256) => void (await run('readwrite', (s) => s.delete([conversationId, sha256])))
	};
}
