// The relay's copy of shared files, so a file still arrives when its uploader is offline. Behind a small
// interface so an S3-compatible store can replace the filesystem one. Layout under DATA_DIR/blobs/<file sha256>/:
// manifest.json, chunks/<index>, refs/<conversation id> (which conversations shared it: the access check), and
// claims/<conversation id> (a conversation announcing a file the relay already has: the chunk indices it has proven).
// Knowing a file's SHA-256 is not enough to read it through one's own conversation: a conversation that announces
// a file another one shared must upload every chunk itself (proving it holds the bytes) before it may read any.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat as statFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkManifest, Sha256Hex } from '../../src/lib/model/file-manifest.ts';

export interface BlobStat {
	manifest: ChunkManifest;
	/** Indices of the chunks held, ascending. */
	present: number[];
	complete: boolean;
}

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
	hasChunk(file: Sha256Hex, index: number): Promise<boolean>;
	/** Keeps the chunk only if its SHA-256 is `expected`; resolves false (and keeps nothing) otherwise. */
	putChunk(file: Sha256Hex, index: number, bytes: Uint8Array, expected: Sha256Hex, conversationId?: string): Promise<boolean>;
	getChunk(file: Sha256Hex, index: number): Promise<Uint8Array | undefined>;
	listChunks(file: Sha256Hex): Promise<number[]>;
	stat(file: Sha256Hex, conversationId: string): Promise<BlobStat | undefined>;
	/** Hashes the whole file from its chunks; false when it is incomplete or not what the manifest claims. */
	verify(file: Sha256Hex): Promise<boolean>;
	/** Forgets a file entirely (a forged manifest, say). */
	remove(file: Sha256Hex): Promise<void>;
}

export function createFsBlobStore(root: string): BlobStore {
	const dir = (file: Sha256Hex) => join(root, file);
	const chunkPath = (file: Sha256Hex, index: number) => join(dir(file), 'chunks', String(index));

	async function readManifest(file: Sha256Hex): Promise<ChunkManifest | undefined> {
		const text = await readFile(join(dir(file), 'manifest.json'), 'utf8').catch(ifMissing(undefined));
		return text === undefined ? undefined : (JSON.parse(text) as ChunkManifest);
	}

	async function shared(file: Sha256Hex, conversationId: string): Promise<boolean> {
		return statFile(join(dir(file), 'refs', conversationId)).then(() => true, ifMissing(false));
	}

	const claimPath = (file: Sha256Hex, conversationId: string) => join(dir(file), 'claims', conversationId);
	async function claimed(file: Sha256Hex, conversationId: string): Promise<number[] | undefined> {
		const text = await readFile(claimPath(file, conversationId), 'utf8').catch(ifMissing(undefined));
		return text === undefined ? undefined : (JSON.parse(text) as number[]);
	}

	async function listChunks(file: Sha256Hex): Promise<number[]> {
		const names = await readdir(join(dir(file), 'chunks')).catch(ifMissing([] as string[]));
		return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
	}

	return {
		async putManifest(manifest, conversationId) {
			const file = manifest.sha256;
			if (await shared(file, conversationId)) return;
			if (!(await readManifest(file))) {
				await writeDurably(join(dir(file), 'manifest.json'), JSON.stringify(manifest));
				await writeDurably(join(dir(file), 'refs', conversationId), '');
			} else if (!(await claimed(file, conversationId))) await writeDurably(claimPath(file, conversationId), '[]');
		},
		async manifest(file, conversationId) {
			return (await shared(file, conversationId)) || (await claimed(file, conversationId)) ? readManifest(file) : undefined;
		},
		isShared: shared,
		async hasChunk(file, index) {
			return statFile(chunkPath(file, index)).then(() => true, ifMissing(false));
		},
		async putChunk(file, index, bytes, expected, conversationId) {
			if (createHash('sha256').update(bytes).digest('hex') !== expected) return false;
			await writeDurably(chunkPath(file, index), bytes);
			const claim = conversationId === undefined ? undefined : await claimed(file, conversationId);
			if (claim && conversationId !== undefined) {
				const proven = [...new Set([...claim, index])].sort((a, b) => a - b);
				const manifest = await readManifest(file);
				if (manifest && proven.length === manifest.chunks.length) {
					await writeDurably(join(dir(file), 'refs', conversationId), '');
					await rm(claimPath(file, conversationId), { force: true });
				} else await writeDurably(claimPath(file, conversationId), JSON.stringify(proven));
			}
			return true;
		},
		async getChunk(file, index) {
			return readFile(chunkPath(file, index)).catch(ifMissing(undefined));
		},
		listChunks,
		async stat(file, conversationId) {
			const manifest = await this.manifest(file, conversationId);
			if (!manifest) return undefined;
			// A claim sees only what it proved: the relay's other chunks would tell a guesser the file is here.
			const present = (await shared(file, conversationId)) ? await listChunks(file) : ((await claimed(file, conversationId)) ?? []);
			return { manifest, present, complete: present.length === manifest.chunks.length };
		},
		async verify(file) {
			const manifest = await readManifest(file);
			if (!manifest || (await listChunks(file)).length !== manifest.chunks.length) return false;
			// Streamed chunk by chunk: a 2 GiB file is never held in memory.
			const hash = createHash('sha256');
			for (let i = 0; i < manifest.chunks.length; i++) for await (const part of createReadStream(chunkPath(file, i))) hash.update(part as Buffer);
			return hash.digest('hex') === manifest.sha256;
		},
		async remove(file) {
			await rm(dir(file), { recursive: true, force: true });
		}
	};
}

/** Temp file, fsync, rename, fsync the directory: after a crash the file is either whole or absent. */
async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
	const folder = join(path, '..');
	await mkdir(folder, { recursive: true });
	const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
	const handle = await open(temp, 'w');
	try {
		await handle.writeFile(data);
		await handle.sync();
	} catch (err) {
		await handle.close();
		await rm(temp, { force: true });
		throw err;
	}
	await handle.close();
	await rename(temp, path);
	const dirHandle = await open(folder, 'r');
	await dirHandle.sync().finally(() => dirHandle.close());
}

function ifMissing<T>(fallback: T) {
	return (err: NodeJS.ErrnoException): T => {
		if (err.code === 'ENOENT') return fallback;
		throw err;
	};
}
