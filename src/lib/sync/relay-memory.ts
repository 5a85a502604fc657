// Keeps "reached the relay" marks across a reload while offline: remembers the relay's storage id in local storage
// and seeds a document's relay heads from the sync state automerge-repo saved for that relay (its shared heads
// come from the relay's own messages, which it only sends once saved: a safe lower bound).
import { encodeHeads, type DocHandle, type Repo, type StorageId } from '@automerge/automerge-repo/slim';
import type { ConnectionState } from './connection-state';

const NAMESPACE = 'caseroom-sync';
const KEY = 'relay-storage-id';

export interface RelayMemory {
	/** The relay's storage id: the connected relay's, else the one remembered from an earlier session. */
	relayStorageId(): string | null;
	/** If the relay has reported no heads for this document yet in this session, fills in the saved ones. */
	seed(handle: DocHandle<unknown>): Promise<void>;
}

export function createRelayMemory(repo: Repo, connection: ConnectionState): RelayMemory {
	const storage = repo.storageSubsystem;
	let remembered: string | null = null;
	const loaded = (storage?.load(NAMESPACE, KEY) ?? Promise.resolve(undefined))
		.then((bytes) => {
			if (bytes) remembered ??= new TextDecoder().decode(bytes);
		})
		.catch(() => {});
	connection.subscribe(({ relayStorageId }) => {
		if (!relayStorageId || relayStorageId === remembered) return;
		remembered = relayStorageId;
		storage?.save(NAMESPACE, KEY, new TextEncoder().encode(relayStorageId)).catch(() => {});
	});
	const relayStorageId = () => connection.current.relayStorageId ?? remembered;

	return {
		relayStorageId,
		async seed(handle) {
			await loaded;
			const id = relayStorageId() as StorageId | null;
			if (!storage || !id || handle.getSyncInfo(id)) return;
			const state = await storage.loadSyncState(handle.documentId, id).catch(() => undefined);
			// Anything the relay reported meanwhile is newer than what was saved.
			if (!state?.sharedHeads.length || handle.getSyncInfo(id)) return;
			handle.setSyncInfo(id, { lastHeads: encodeHeads(state.sharedHeads), lastSyncTimestamp: 0 });
		}
	};
}
