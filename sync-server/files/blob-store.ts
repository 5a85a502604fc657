// The relay's copy of shared files, so a file still arrives when its uploader is offline. The rules are written once,
// here; the bytes live in an ObjectStore: DATA_DIR/blobs on the relay's disk (the default) or an S3-compatible bucket
// (S3_*), in one layout under <file sha256>/: manifest.json, chunks/<index>, refs/<conversation id> (which
// conversations shared it: the access check), claims/<conversation id> (a conversation announcing a file the relay
// already has: the chunk indices it has proven, JSON), and verified (the chunks were hashed together and make the file
// the manifest announced).
// Knowing a file's SHA-256 is not enough to read it through one's own conversation: a conversation that announces
// a file another one shared must upload every chunk itself (proving it holds the bytes) before it may read any.
// Speed: while a file uploads, its manifest, the chunks present and the whole-file SHA-256 so far stay in memory, so
// a chunk costs one durable write: no re-reading of the manifest, no listing of the chunks, no second pass over the
// file to check it at the end (chunks arriving out of order wait in a bounded buffer until the hash reaches them).
// Several relays may share one bucket without talking to each other: chunks are addressed by hash, the first manifest
// for a hash wins (put if absent), and a file whose chunks came through several relays is checked, from the store, by
// whichever relay is next asked about it (stat) before anyone is told it is complete.
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import type { ChunkManifest, Sha256Hex } from '../../src/lib/model/file-manifest.ts';
import type { Config } from '../config.ts';
import { createFsObjectStore } from './fs-objects.ts';
import type { ObjectStore } from './object-store.ts';
import { createS3ObjectStore } from './s3-objects.ts';

export interface BlobStat {
	manifest: ChunkManifest;
	/** Indices of the chunks held, ascending. */
	present: number[];
	complete: boolean;
}

/** A chunk's bytes and their SHA-256, computed as they arrived. */
export interface ArrivedChunk {
	bytes: Uint8Array;
	sha256: Sha256Hex;
}

export type ChunkPut =
	| { kept: true; present: number; complete: boolean }
	/** `mismatch`: not the SHA-256 the manifest names, nothing kept; `dropped`: the chunks do not make the announced file, which is gone. */
	| { kept: false; reason: 'mismatch' | 'dropped' };

export interface BlobStore {
	/**
	 * Records the manifest (the first one for a hash wins) and that `conversationId` shared the file; when the relay
	 * already had it, only a claim that `putChunk` turns into a share once every chunk came through this conversation.
	 */
	putManifest(manifest: ChunkManifest, conversationId: string): Promise<void>;
	/** The manifest, if `conversationId` shared or claims this file: one conversation never reaches another's files. */
	manifest(file: Sha256Hex, conversationId: string): Promise<ChunkManifest | undefined>;
	/** `conversationId` shared this file, so its members may read the chunks. */
	isShared(file: Sha256Hex, conversationId: string): Promise<boolean>;
	/**
	 * Keeps the chunk if its SHA-256 is the manifest's (a proof, when `conversationId` only claims the file), resolving
	 * once it is durable. With the last chunk the whole file is checked, and dropped if it is not what was announced.
	 * `present` counts the chunks `conversationId` may count on (all held, or those it proved).
	 */
	putChunk(file: Sha256Hex, index: number, chunk: ArrivedChunk, conversationId: string): Promise<ChunkPut>;
	getChunk(file: Sha256Hex, index: number): Promise<Uint8Array | undefined>;
	/** What `conversationId` may see of the file; a file is checked before the first answer that calls it complete. */
	stat(file: Sha256Hex, conversationId: string): Promise<BlobStat | undefined>;
	/** Forgets a file entirely (a forged manifest, say). */
	remove(file: Sha256Hex): Promise<void>;
}

/** Files whose state stays in memory, least recently used dropped first (a manifest of a 2 GiB file is ~600 KB). */
const FILES_IN_MEMORY = 64;
/** Bytes of chunks that arrived ahead of their turn, held for the whole-file hash across all uploads. */
const AHEAD_BYTES = 32 * 1024 * 1024;
/** Chunks read at once when a file is checked from the store. */
const READ_AHEAD = 4;

interface FileState {
	manifest: ChunkManifest;
	/** Conversations known to share the file (a share is never taken back, so a yes can be remembered). */
	shared: Set<string>;
	/** Claiming conversations' proofs, once read, and the write persisting them (one at a time, so none is lost). */
	claims: Map<string, { proven: Set<number>; writing: Promise<unknown> }>;
	/** This relay's view of the upload, from its first chunk here. */
	upload: Promise<Upload> | null;
	verified: boolean;
	/** The whole-file check while it runs: concurrent last chunks and stats wait for the one. */
	checking: Promise<boolean> | null;
}

interface Upload {
	/** Chunks known to be stored: listed once, then each one put through this relay. */
	present: Set<number>;
	/** SHA-256 of chunks 0..next-1; null when this relay cannot see them all in order (resumed, or too much ahead). */
	hash: Hash | null;
	next: number;
	ahead: Map<number, Uint8Array>;
}

const key = {
	manifest: (file: Sha256Hex) => `${file}/manifest.json`,
	chunks: (file: Sha256Hex) => `${file}/chunks/`,
	chunk: (file: Sha256Hex, index: number) => `${file}/chunks/${index}`,
	ref: (file: Sha256Hex, conversationId: string) => `${file}/refs/${conversationId}`,
	claim: (file: Sha256Hex, conversationId: string) => `${file}/claims/${conversationId}`,
	verified: (file: Sha256Hex) => `${file}/verified`
};

/** DATA_DIR/blobs, or the S3 bucket when S3_* is configured. */
export function openBlobStore(config: Pick<Config, 'dataDir' | 's3'>): BlobStore {
	return createBlobStore(config.s3 ? createS3ObjectStore(config.s3) : createFsObjectStore(join(config.dataDir, 'blobs')));
}

export function createBlobStore(objects: ObjectStore): BlobStore {
	const files = new Map<Sha256Hex, FileState>();
	let aheadBytes = 0;

	async function state(file: Sha256Hex): Promise<FileState | undefined> {
		const known = files.get(file);
		if (known) {
			files.delete(file);
			files.set(file, known);
			return known;
		}
		const bytes = await objects.get(key.manifest(file));
		if (!bytes) return undefined;
		if (files.has(file)) return files.get(file);
		const fresh: FileState = { manifest: JSON.parse(text(bytes)) as ChunkManifest, shared: new Set(), claims: new Map(), upload: null, verified: false, checking: null };
		files.set(file, fresh);
		for (const old of files.keys()) {
			if (files.size <= FILES_IN_MEMORY) break;
			forget(old);
		}
		return fresh;
	}

	/** The state, checked against the store: another relay sharing it may have dropped the file (once per stat, not per chunk). */
	async function current(file: Sha256Hex): Promise<FileState | undefined> {
		const s = await state(file);
		if (!s || (await objects.has(key.manifest(file)))) return s;
		forget(file);
		return state(file);
	}

	function forget(file: Sha256Hex) {
		void files.get(file)?.upload?.then(stopHashing, () => {});
		files.delete(file);
	}

	function stopHashing(upload: Upload) {
		upload.hash = null;
		for (const bytes of upload.ahead.values()) aheadBytes -= bytes.byteLength;
		upload.ahead.clear();
	}

	async function shared(s: FileState, file: Sha256Hex, conversationId: string): Promise<boolean> {
		if (s.shared.has(conversationId)) return true;
		if (!(await objects.has(key.ref(file, conversationId)))) return false;
		s.shared.add(conversationId);
		return true;
	}

	async function readClaim(file: Sha256Hex, conversationId: string): Promise<number[] | undefined> {
		const bytes = await objects.get(key.claim(file, conversationId));
		return bytes && (JSON.parse(text(bytes)) as number[]);
	}

	async function claim(s: FileState, file: Sha256Hex, conversationId: string) {
		const known = s.claims.get(conversationId);
		if (known) return known;
		const proven = await readClaim(file, conversationId);
		if (!proven) return undefined;
		const fresh = s.claims.get(conversationId) ?? { proven: new Set(proven), writing: Promise.resolve() };
		s.claims.set(conversationId, fresh);
		return fresh;
	}

	/** Records chunk `index` as proven by a claiming conversation; with the last one the claim becomes a share. */
	async function prove(s: FileState, file: Sha256Hex, conversationId: string, index: number): Promise<number> {
		const proof = await claim(s, file, conversationId);
		if (!proof) return 0; // neither shares nor claims it (a claim another relay just turned into a share)
		proof.proven.add(index);
		const write = proof.writing.then(async () => {
			if (s.shared.has(conversationId)) return;
			if (proof.proven.size < s.manifest.chunks.length) return void (await objects.put(key.claim(file, conversationId), JSON.stringify(ascending(proof.proven))));
			await objects.put(key.ref(file, conversationId), '');
			s.shared.add(conversationId);
			s.claims.delete(conversationId);
			await objects.remove(key.claim(file, conversationId));
		});
		proof.writing = write.catch(() => {});
		await write;
		return proof.proven.size;
	}

	function upload(s: FileState, file: Sha256Hex): Promise<Upload> {
		return (s.upload ??= objects.list(key.chunks(file)).then(
			(names) => {
				const present = new Set(names.filter((n) => /^\d+$/.test(n)).map(Number));
				// Chunks already here from before are not hashed again as they go by: the check then reads the file.
				return { present, hash: present.size === 0 ? createHash('sha256') : null, next: 0, ahead: new Map() };
			},
			(err: unknown) => {
				s.upload = null;
				throw err;
			}
		));
	}

	/** Feeds a stored chunk to the whole-file hash: in order, or held until its turn while the budget allows. */
	function hashInOrder(u: Upload, index: number, bytes: Uint8Array) {
		if (!u.hash || index < u.next || u.ahead.has(index)) return;
		if (index > u.next) {
			if (aheadBytes + bytes.byteLength > AHEAD_BYTES) return stopHashing(u);
			u.ahead.set(index, bytes);
			aheadBytes += bytes.byteLength;
			return;
		}
		u.hash.update(bytes);
		for (u.next++; u.ahead.has(u.next); u.next++) {
			const next = u.ahead.get(u.next)!;
			u.ahead.delete(u.next);
			aheadBytes -= next.byteLength;
			u.hash.update(next);
		}
	}

	/**
	 * Checks a complete file once (from the upload's hash, else from the store, unless a relay did so already) and
	 * drops it when it is not what was announced.
	 */
	function check(s: FileState, file: Sha256Hex): Promise<boolean> {
		if (s.verified) return Promise.resolve(true);
		return (s.checking ??= (async () => {
			const u = s.upload && (await s.upload);
			if (!(await objects.has(key.verified(file)))) {
				const count = s.manifest.chunks.length;
				const whole = u?.hash && u.next === count ? u.hash.digest('hex') : await hashFromStore(file, count);
				if (u) stopHashing(u);
				if (whole !== s.manifest.sha256) {
					await store.remove(file);
					return false;
				}
				await objects.put(key.verified(file), '');
			}
			if (u) stopHashing(u);
			s.verified = true;
			s.upload = null;
			return true;
		})().finally(() => {
			s.checking = null;
		}));
	}

	/** Streams the chunks in order through SHA-256 (a few reads ahead): a 2 GiB file is never held in memory. */
	async function hashFromStore(file: Sha256Hex, count: number): Promise<Sha256Hex | undefined> {
		const hash = createHash('sha256');
		const reads: Promise<Uint8Array | undefined>[] = [];
		for (let i = 0; i < count; i++) {
			while (reads.length < READ_AHEAD && i + reads.length < count) {
				const read = objects.get(key.chunk(file, i + reads.length));
				read.catch(() => {}); // awaited below, or abandoned with the check
				reads.push(read);
			}
			const bytes = await reads.shift()!;
			if (!bytes) return undefined;
			hash.update(bytes);
		}
		return hash.digest('hex');
	}

	const store: BlobStore = {
		async putManifest(manifest, conversationId) {
			const file = manifest.sha256;
			let s = await state(file);
			if (s && (await shared(s, file, conversationId))) return;
			if (!s && (await objects.put(key.manifest(file), JSON.stringify(manifest), { ifAbsent: true }))) {
				s = await state(file);
				// Read back: a store without conditional puts may hold a manifest another relay wrote at the same moment.
				if (s && sameLayout(s.manifest, manifest)) {
					await objects.put(key.ref(file, conversationId), '');
					s.shared.add(conversationId);
					return;
				}
			}
			s ??= await state(file);
			if (s && !(await claim(s, file, conversationId))) {
				await objects.put(key.claim(file, conversationId), '[]');
				s.claims.set(conversationId, { proven: new Set(), writing: Promise.resolve() });
			}
		},
		async manifest(file, conversationId) {
			const s = await state(file);
			return s && ((await shared(s, file, conversationId)) || (await claim(s, file, conversationId))) ? s.manifest : undefined;
		},
		async isShared(file, conversationId) {
			const s = await state(file);
			return s !== undefined && shared(s, file, conversationId);
		},
		async putChunk(file, index, chunk, conversationId) {
			const s = await state(file);
			if (!s) return { kept: false, reason: 'dropped' };
			if (chunk.sha256 !== s.manifest.chunks[index]) return { kept: false, reason: 'mismatch' };
			const u = await upload(s, file);
			if (!u.present.has(index)) {
				await objects.put(key.chunk(file, index), chunk.bytes);
				u.present.add(index);
			}
			hashInOrder(u, index, chunk.bytes);
			const count = s.manifest.chunks.length;
			const present = (await shared(s, file, conversationId)) ? u.present.size : await prove(s, file, conversationId, index);
			// The relay's view: chunks put through other relays sharing the bucket are counted by the next stat.
			if (u.present.size === count && !(await check(s, file))) return { kept: false, reason: 'dropped' };
			return { kept: true, present, complete: present === count };
		},
		getChunk: (file, index) => objects.get(key.chunk(file, index)),
		async stat(file, conversationId) {
			const s = await current(file);
			if (!s) return undefined;
			const count = s.manifest.chunks.length;
			if (!(await shared(s, file, conversationId))) {
				// A claim sees only what it proved: the relay's other chunks would tell a guesser the file is here.
				const proven = await readClaim(file, conversationId);
				return proven && { manifest: s.manifest, present: ascending(proven), complete: proven.length === count };
			}
			const present = ascending((await objects.list(key.chunks(file))).filter((n) => /^\d+$/.test(n)).map(Number));
			if (present.length === count && !(await check(s, file))) return undefined;
			return { manifest: s.manifest, present, complete: present.length === count };
		},
		async remove(file) {
			forget(file);
			await objects.removeAll(`${file}/`);
		}
	};
	return store;
}

/** The relay on DATA_DIR/blobs (tests, and the admin command without a running relay). */
export function createFsBlobStore(root: string): BlobStore {
	return createBlobStore(createFsObjectStore(root));
}

function sameLayout(a: ChunkManifest, b: ChunkManifest): boolean {
	return a.size === b.size && a.chunkSize === b.chunkSize && a.chunks.join() === b.chunks.join();
}

const ascending = (indices: Iterable<number>) => [...indices].sort((a, b) => a - b);
const text = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
