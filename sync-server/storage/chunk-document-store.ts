// A DocumentStore over the chunk files of automerge-repo's layout (fs-chunks.ts): every append is its own file,
// fsynced. Simple and slow (one fsync and a rename per change); the group-committed log replaces it.
import { createHash, randomUUID } from 'node:crypto';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import type { DocumentStore } from './document-store.ts';
import { DurableFsStorageAdapter } from './fs-chunks.ts';

export async function openChunkDocumentStore(dir: string): Promise<DocumentStore> {
	const chunks = new DurableFsStorageAdapter(dir);
	const stored = await chunks.load(['storage-adapter-id']);
	let storageId = stored ? new TextDecoder().decode(stored) : '';
	if (!storageId) {
		storageId = randomUUID();
		await chunks.save(['storage-adapter-id'], new TextEncoder().encode(storageId));
	}
	let closed = false;
	return {
		async load(documentId: DocumentId) {
			const found = (await chunks.loadRange([documentId])).filter((c) => c.key[1] === 'snapshot' || c.key[1] === 'incremental');
			if (found.length === 0) return undefined;
			// Snapshots first, then the changes after them.
			found.sort((a, b) => (a.key[1] === b.key[1] ? 0 : a.key[1] === 'snapshot' ? -1 : 1));
			return found.map((c) => c.data!);
		},
		async append(documentId: DocumentId, changes: Uint8Array) {
			if (closed) throw new Error('the store is closed');
			await chunks.save([documentId, 'incremental', createHash('sha256').update(changes).digest('hex')], changes);
		},
		storageId: () => storageId,
		async close() {
			closed = true;
			await chunks.close();
		}
	};
}

/** The relay's document store in DATA_DIR: the one place that says which store and where, for the sync engine and the admin command. */
