// Opens a document whose id every device knows in advance (a conversation's receipts, a person's own document):
// from this device's storage if it is there, otherwise started here at once, offline too, and merged with whatever
// the relay and the person's other devices hold as soon as they sync. Nothing waits for the relay's answer, which
// for a document nobody has sent yet takes, offline, up to a minute.
import { Automerge, type DocHandle, type DocumentId, type Repo } from '@automerge/automerge-repo/slim';

export async function openOrStart<T>(repo: Repo, documentId: string, start: (doc: T) => void): Promise<DocHandle<T>> {
	// 'requesting': not in this device's storage, the repo has begun asking the relay (and keeps syncing it).
	const handle = await repo.find<T>(documentId as DocumentId, { allowableStates: ['ready', 'requesting', 'unavailable'] });
	if (!handle.isReady()) handle.update((doc) => Automerge.change(doc, (draft) => start(draft as T)));
	return handle;
}
