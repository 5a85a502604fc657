// The device's file store: IndexedDB, chunked, keyed by the file's SHA-256. Every chunk is checked
// against the manifest before it is kept, so a store only ever holds verified bytes, and the list of
// present chunks tells a transfer where to resume.
import { chunkLength, isChunkManifest, type ChunkManifest } from '$lib/model/file-manifest';
import { sha256Hex, type Sha256Hex } from './hash';
import { committed, openDatabase, requestResult } from '$lib/idb';

export interface BlobStore {
	putManifest(manifest: ChunkManifest): Promise<void>;
	manifest(file: Sha256Hex): Promise<ChunkManifest | undefined>;
	/** Refuses (ChunkRejected) a chunk whose index, length or hash does not match the manifest. */
	putChunk(file: Sha256Hex, index: number, bytes: Uint8Array): Promise<void>;
	getChunk(file: Sha256Hex, index: number): Promise<Uint8Array | undefined>;
	/** Indices of the chunks already here, ascending: what a resumed transfer can skip. */
	presentChunks(file: Sha256Hex): Promise<number[]>;
	/** True when the manifest and every chunk are here. */
	has(file: Sha256Hex): Promise<boolean>;
	/** Every file this device has a manifest of (whole or in part), in one read. */
	files(): Promise<Sha256Hex[]>;
	delete(file: Sha256Hex): Promise<void>;
}

export class ChunkRejected extends Error {}

const DB_NAME = 'caseroom-files';
const MANIFESTS = 'manifests';
const CHUNKS = 'chunks';

type ChunkKey = [Sha256Hex, number];

export async function openBlobStore(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<BlobStore> {
	const db = await openDatabase(factory, name, 1, (db) => {
		db.createObjectStore(MANIFESTS, { keyPath: 'sha256' });
		// Keyed [file, index] so one key range lists, or deletes, a file's chunks.
		db.createObjectStore(CHUNKS);
	});
	return new IdbBlobStore(db);
}

class IdbBlobStore implements BlobStore {
	constructor(private readonly db: IDBDatabase) {}

	async putManifest(manifest: ChunkManifest): Promise<void> {
		if (!isChunkManifest(manifest)) throw new ChunkRejected('not a valid file manifest');
		await this.write([MANIFESTS], (tx) => tx.objectStore(MANIFESTS).put(manifest));
	}

	async manifest(file: Sha256Hex): Promise<ChunkManifest | undefined> {
		const tx = this.db.transaction(MANIFESTS, 'readonly');
		return (await requestResult(tx.objectStore(MANIFESTS).get(file))) as ChunkManifest | undefined;
	}

	async putChunk(file: Sha256Hex, index: number, bytes: Uint8Array): Promise<void> {
		const manifest = await this.manifest(file);
		if (!manifest) throw new ChunkRejected(`no manifest for ${file}`);
		const expected = manifest.chunks[index];
		if (expected === undefined) throw new ChunkRejected(`chunk ${index} is not part of ${file}`);
		if (bytes.byteLength !== chunkLength(index, manifest.size, manifest.chunkSize))
			throw new ChunkRejected(`chunk ${index} has the wrong length`);
		if ((await sha256Hex(bytes)) !== expected) throw new ChunkRejected(`chunk ${index} does not match its hash`);
		// Cloning a view would store its whole underlying buffer: keep an exact copy.
		const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
		await this.write([CHUNKS], (tx) => tx.objectStore(CHUNKS).put(exact, [file, index] satisfies ChunkKey));
	}

	async getChunk(file: Sha256Hex, index: number): Promise<Uint8Array | undefined> {
		const tx = this.db.transaction(CHUNKS, 'readonly');
		const value = await requestResult(tx.objectStore(CHUNKS).get([file, index] satisfies ChunkKey));
		return value === undefined ? undefined : new Uint8Array(value as Uint8Array);
	}

	async presentChunks(file: Sha256Hex): Promise<number[]> {
		const tx = this.db.transaction(CHUNKS, 'readonly');
		const keys = (await requestResult(tx.objectStore(CHUNKS).getAllKeys(chunksOf(file)))) as unknown as ChunkKey[];
		return keys.map(([, index]) => index);
	}

	async has(file: Sha256Hex): Promise<boolean> {
		const manifest = await this.manifest(file);
		if (!manifest) return false;
		return (await this.presentChunks(file)).length === manifest.chunks.length;
	}

	async files(): Promise<Sha256Hex[]> {
		const tx = this.db.transaction(MANIFESTS, 'readonly');
		return (await requestResult(tx.objectStore(MANIFESTS).getAllKeys())) as Sha256Hex[];
	}

	async delete(file: Sha256Hex): Promise<void> {
		await this.write([MANIFESTS, CHUNKS], (tx) => {
			tx.objectStore(MANIFESTS).delete(file);
			tx.objectStore(CHUNKS).delete(chunksOf(file));
		});
	}

	/** Runs writes in one transaction and resolves only once it has committed. */
	private write(stores: string[], body: (tx: IDBTransaction) => void): Promise<void> {
		const tx = this.db.transaction(stores, 'readwrite');
		body(tx);
		return committed(tx);
	}
}

function chunksOf(file: Sha256Hex): IDBKeyRange {
	// Array keys sort element by element: every [file, n] lies between [file] and [file, []].
	return IDBKeyRange.bound([file], [file, []]);
}
