// Which of my messages in a conversation only this device holds, kept current as the document and the relay's
// heads change: frame 2 labels them, and the device ledger counts them (what a cleared database would lose).
import type { DocHandle } from '@automerge/automerge-repo/slim';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import type { UserId } from '$lib/model/ids';
import type { Delivery } from '$lib/sync/delivery';
import { undeliveredMessageIds } from './message-delivery';

/** Calls `listener` now (once the handle is ready) and on every change; returns the unsubscribe function. */
export function watchUndelivered(
	handle: DocHandle<ConversationDoc>,
	delivery: Delivery,
	me: UserId,
	listener: (undelivered: ReadonlySet<string>) => void
): () => void {
	const recompute = () => {
		if (handle.isReady()) listener(undeliveredMessageIds(handle.doc(), delivery.relayHeads(handle), me, delivery.isDelivered(handle)));
	};
	handle.on('heads-changed', recompute);
	handle.on('remote-heads', recompute);
	const stop = delivery.subscribeDelivery(handle, recompute);
	return () => {
		handle.off('heads-changed', recompute);
		handle.off('remote-heads', recompute);
		stop();
	};
}
