// The two small promise wrappers the files' IndexedDB databases (chunks, upload queue) need.
// Opening closes the connection when another one asks to delete or upgrade the database: an open connection
// that ignores `versionchange` blocks "Clear site data" and eviction, and the page then hangs on its next call.

export function requestResult<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

export async function openDatabase(factory: IDBFactory, name: string, version: number, upgrade: (db: IDBDatabase) => void): Promise<IDBDatabase> {
	const open = factory.open(name, version);
	open.onupgradeneeded = () => upgrade(open.result);
	const db = await requestResult(open);
	db.onversionchange = () => db.close();
	return db;
}
