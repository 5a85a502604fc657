// Where the relay's file bytes physically live: keys like "<file sha256>/chunks/3" holding bytes, so the blob store's
// rules (blob-store.ts) are written once for the local disk (fs-objects.ts) and for an S3-compatible bucket
// (s3-objects.ts). Nothing here knows about files, conversations or access.

export interface ObjectStore {
	/** For messages: "DATA_DIR/blobs", "s3://bucket at http://…". */
	readonly where: string;
	/**
	 * Stores `data` under `key`, resolving once it is durable (on disk, or the store acknowledged the PUT). With
	 * `ifAbsent` an object already there is kept and the answer is false.
	 */
	put(key: string, data: Uint8Array | string, options?: { ifAbsent?: boolean }): Promise<boolean>;
	get(key: string): Promise<Uint8Array | undefined>;
	has(key: string): Promise<boolean>;
	/** The names of the objects directly under `prefix` (which ends in "/"), in no particular order. */
	list(prefix: string): Promise<string[]>;
	remove(key: string): Promise<void>;
	/** Removes every object whose key starts with `prefix` (which ends in "/"). */
	removeAll(prefix: string): Promise<void>;
}

/** The store could not be reached, or refused: nothing was saved, and trying again later may work. */
export class ObjectStoreUnavailable extends Error {}

const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/;

/** Keys are built from hashes, indices and conversation ids; anything else (a "..", a slash too many) is a bug. */
export function checkKey(key: string): string {
	if (!SAFE_KEY.test(key)) throw new Error(`Unsafe object key: ${JSON.stringify(key)}`);
	return key;
}
