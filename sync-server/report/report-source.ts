// What the relay's report command reads, and nothing more: a document's bytes by id, the directory's records of
// the conversation and its people and case, and a file's chunks from the relay's blob store. Behind this interface,
// so the report follows the relay's storage wherever it goes (a new sync engine's log, PostgreSQL, S3).
import type { DocumentId } from '@automerge/automerge-repo/slim';
import type { ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import type { DirectoryView, RegisteredConversation } from '../../src/lib/model/directory.ts';
import type { DocumentStore } from '../storage/document-store.ts';
import type { BlobStore } from '../files/blob-store.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { conversationView, personView } from '../http/api-views.ts';

export interface ReportSource {
	/** The document's durable Automerge chunks in `loadIncremental` order (DocumentStore.load), none when the relay has none. */
	documentChunks(documentId: string): Promise<Uint8Array[]>;
	/** The conversation as the directory registered it (its members are the ACL). */
	conversation(conversationId: string): RegisteredConversation | undefined;
	/** Organisations, enabled people and cases: what every member of a conversation sees of its people and case. */
	directory(): DirectoryView;
	/** The file's manifest when `conversationId` shared it and every chunk is on the relay. */
	completeFile(sha256: string, conversationId: string): Promise<ChunkManifest | undefined>;
	chunk(sha256: string, index: number): Promise<Uint8Array | undefined>;
}

/** The relay's own stores: documents through the sync engine's DocumentStore, the directory, the blob store. */
export function relayReportSource(stores: { documents: DocumentStore; directory: DirectoryStore; blobs: BlobStore }): ReportSource {
	const { documents, directory: store, blobs } = stores;
	return {
		documentChunks: async (documentId) => (await documents.load(documentId as DocumentId)) ?? [],
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
