// Whether the relay already holds a document's latest local change (or a given change), from the relay's heads
// that automerge-repo records per storage id. The relay only sends heads it has saved, so delivered = durable.
import { Automerge, decodeHeads, type DocHandle, type StorageId, type UrlHeads } from '@automerge/automerge-repo/slim';
import type { ConnectionState } from './connection-state';
import type { RelayMemory } from './relay-memory';

/**
 * Reads no UI state. True when every change in `hashes` (hex) is one of `relayHeads` (hex) or an ancestor of one
 * the local document knows. A relay head not known locally yet proves nothing, so the answer errs on "not yet".
 */
export function containsChanges(doc: Automerge.Doc<unknown>, relayHeads: string[], hashes: string[]): boolean {
	if (hashes.every((h) => relayHeads.includes(h))) return true;
	if (!Automerge.hasHeads(doc, hashes)) return false;
	const known = relayHeads.filter((h) => Automerge.hasHeads(doc, [h]));
	// The changes after the relay's known heads are exactly those it may not have.
	const notOnRelay = new Set(Automerge.getChangesMetaSince(doc, known).map((c) => c.hash));
	return hashes.every((h) => !notOnRelay.has(h));
}

export interface Delivery {
	/** The relay's last reported heads of this document, undefined before it reported any. */
	relayHeads(handle: DocHandle<unknown>): UrlHeads | undefined;
	/** The relay holds every local change of this document. */
	isDelivered(handle: DocHandle<unknown>): boolean;
	/** The relay holds these changes, e.g. the heads right after posting a message. */
	hasReachedRelay(handle: DocHandle<unknown>, heads: UrlHeads): boolean;
	/** Calls `listener` now and whenever isDelivered(handle) changes; returns the unsubscribe function. */
	subscribeDelivery(handle: DocHandle<unknown>, listener: (delivered: boolean) => void): () => void;
	/** Resolves true once delivered, or false after timeoutMs. */
	whenDelivered(handle: DocHandle<unknown>, timeoutMs: number): Promise<boolean>;
}

/** `memory` (optional) keeps the marks across a reload while offline. */
export function createDelivery(connection: ConnectionState, memory?: RelayMemory): Delivery {
	const relayHeads = (handle: DocHandle<unknown>) => {
		const storageId = memory?.relayStorageId() ?? connection.current.relayStorageId;
		return storageId ? handle.getSyncInfo(storageId as StorageId)?.lastHeads : undefined;
	};
	const hasReachedRelay = (handle: DocHandle<unknown>, heads: UrlHeads) => {
		const theirs = relayHeads(handle);
		if (!theirs || !handle.isReady()) return false;
		return containsChanges(handle.doc(), decodeHeads(theirs), decodeHeads(heads));
	};
	const isDelivered = (handle: DocHandle<unknown>) => handle.isReady() && hasReachedRelay(handle, handle.heads());

	function subscribeDelivery(handle: DocHandle<unknown>, listener: (delivered: boolean) => void): () => void {
		let last: boolean | undefined;
		const check = () => {
			const now = isDelivered(handle);
			if (now !== last) listener((last = now));
		};
		handle.on('heads-changed', check);
		handle.on('remote-heads', check);
		const stopConnection = connection.subscribe(check);
		void memory?.seed(handle); // announces itself through a remote-heads event
		return () => {
			handle.off('heads-changed', check);
			handle.off('remote-heads', check);
			stopConnection();
		};
	}

	function whenDelivered(handle: DocHandle<unknown>, timeoutMs: number): Promise<boolean> {
		return new Promise((resolve) => {
			let stop: (() => void) | undefined;
			let done = false;
			const finish = (delivered: boolean) => {
				if (done) return;
				done = true;
				clearTimeout(timer);
				stop?.();
				resolve(delivered);
			};
			const timer = setTimeout(() => finish(false), timeoutMs);
			stop = subscribeDelivery(handle, (delivered) => delivered && finish(true));
			if (done) stop();
		});
	}

	return { relayHeads, isDelivered, hasReachedRelay, subscribeDelivery, whenDelivered };
}
