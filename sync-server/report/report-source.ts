// What the relay's report command reads, and nothing more: a document's bytes by id, the directory's records of
// the conversation and its people and case, and a file's chunks from the relay's blob store. Behind this interface,
// so the report follows the relay's storage wherever it goes (a new sync engine's log, PostgreSQL, S3).
import path from 'node:path';
import type { ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import type { DirectoryView, RegisteredConversation } from '../../src/lib/model/directory.ts';
import { DurableFsStorageAdapter } from '../storage/fs-chunks.ts';
import { createFsBlobStore, type BlobStore } from '../files/blob-store.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { conversationView, personView } from '../http/api-views.ts';

export interface ReportSource {
	/** The document's saved Automerge chunks (snapshots and incremental changes), or none when the relay has none. */
	documentChunks(documentId: string): Promise<Uint8Array[]>;
	/** The conversation as the directory registered it (its members are the ACL). */
	conversation(conversationId: string): RegisteredConversation | undefined;
	/** Organisations, enabled people and cases: what every member of a conversation sees of its people and case. */
	directory(): DirectoryView;
	/** The file's manifest when `conversationId` shared it and every chunk is on the relay. */
	completeFile(sha256: string, conversationId: string): Promise<ChunkManifest | undefined>;
	chunk(sha256: string, index: number): Promise<Uint8Array | undefined>;
}

/** Today's storage: automerge-repo chunks under DATA_DIR/automerge, files under DATA_DIR/blobs, the journal store. */
export function dataDirReportSource(dataDir: string, store: DirectoryStore, blobs: BlobStore = createFsBlobStore(path.join(dataDir, 'blobs'))): ReportSource {
	const storage = new DurableFsStorageAdapter(path.join(dataDir, 'automerge'));
	return {
		async documentChunks(documentId) {
			// Only the document's own chunks: sync states share the prefix.
			const chunks = await storage.loadRange([documentId]);
			return chunks.filter((c) => c.key[1] === 'snapshot' || c.key[1] === 'incremental').map((c) => c.data!);
		},
		conversation(conversationId) {
			const record = store.conversation(conversationId);
			return record && conversationView(store, record);
		},
		directory: () => ({ organisations: store.organisations(), people: store.people().filter((p) => !p.disabled).map(personView), cases: store.cases() }),
		async completeFile(sha256, conversationId) {
			const stat = await blobs.stat(sha256, conversationId);
			return stat?.complete && (await blobs.isShared(sha256, conversationId)) ? stat.manifest : undefined;
		},
		chunk: (sha256, index) => blobs.getChunk(sha256, index)
	};
}
