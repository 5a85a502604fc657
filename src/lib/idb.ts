// The promise wrappers every IndexedDB database of the app uses (documents, file chunks, the upload queue).

export function requestResult<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

/**
 * Resolves with `result()` once the transaction commits; rejects with its error when it fails or aborts. Listening
 * for `abort` matters: a write refused for lack of space (QuotaExceededError) fires only that in Chromium.
 */
export function committed<T = void>(transaction: IDBTransaction, result: () => T = () => undefined as T): Promise<T> {
	return new Promise((resolve, reject) => {
		const fail = () => reject(transaction.error ?? new DOMException('The IndexedDB transaction was aborted', 'AbortError'));
		transaction.oncomplete = () => resolve(result());
		transaction.onerror = fail;
		transaction.onabort = fail;
	});
}

/**
 * Opens a database and closes the connection when another one asks to delete or upgrade it: a connection that
 * ignores `versionchange` blocks "Clear site data" and eviction, and the page then hangs on its next call.
 */
export async function openDatabase(factory: IDBFactory, name: string, version: number, upgrade: (db: IDBDatabase) => void): Promise<IDBDatabase> {
	const open = factory.open(name, version);
	open.onupgradeneeded = () => upgrade(open.result);
	const db = await requestResult(open);
	db.onversionchange = () => db.close();
	return db;
}
