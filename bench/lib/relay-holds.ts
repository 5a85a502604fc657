// Whether a relay holds a writer's changes, from the writer's own view of the relay's heads: automerge-repo records,
// per storage id, the heads each peer reported in the sync protocol, and both relays announce a storage id when a
// client joins. Nothing here knows how or where a relay keeps documents on disk, so it holds for any engine that
// speaks the protocol (the same test the app's delivery marks use: src/lib/sync/delivery.ts).
import { decodeHeads, type DocHandle, type Repo } from '@automerge/automerge-repo';
import { containsChanges } from '../../src/lib/sync/delivery.ts';

/** True when the relay this repo is connected to has reported heads that contain every change of the handle. */
export function relayHolds(writer: Repo, handle: DocHandle<unknown>): boolean {
	if (!handle.isReady()) return false;
	// A bench client is connected to one peer only: the relay.
	const storageId = writer.peers.map((peer) => writer.getStorageIdOfPeer(peer)).find((id) => id !== undefined);
	const theirs = storageId && handle.getSyncInfo(storageId)?.lastHeads;
	return !!theirs && containsChanges(handle.doc(), decodeHeads(theirs), decodeHeads(handle.heads()));
}

/**
 * Waits until the relay holds the writer's latest changes of this document, so every reader's request finds them.
 * Checked when the relay reports new heads (not polled: on a long document each check walks the changes since).
 */
export function whenRelayHas(writer: Repo, handle: DocHandle<unknown>, timeoutMs = 20_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const check = () => relayHolds(writer, handle) && finish();
		const finish = (error?: Error) => {
			clearTimeout(timer);
			handle.off('remote-heads', check);
			handle.off('heads-changed', check);
			if (error) reject(error);
			else resolve();
		};
		const timer = setTimeout(() => finish(new Error(`the relay never reported holding ${handle.documentId} (${timeoutMs} ms)`)), timeoutMs);
		handle.on('remote-heads', check);
		handle.on('heads-changed', check);
		check();
	});
}
