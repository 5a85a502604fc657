// Which of my messages the relay does not hold yet: "kept on this device" rather than "reached the relay".
// The relay only reports heads it has saved, so a message inside the relay's view of the document is durable there.
import { Automerge, decodeHeads, type UrlHeads } from '@automerge/automerge-repo/slim';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import type { UserId } from '$lib/model/ids';

const NONE: ReadonlySet<string> = new Set();

export function undeliveredMessageIds(
	doc: Automerge.Doc<ConversationDoc>,
	relayHeads: UrlHeads | undefined,
	me: UserId,
	fullyDelivered: boolean
): ReadonlySet<string> {
	if (fullyDelivered) return NONE;
	const mine = doc.messages.filter((m) => m.author === me);
	if (!relayHeads) return new Set(mine.map((m) => m.id));
	// A relay head this device has not seen yet proves nothing about what it has: view only the ones known here.
	const known = decodeHeads(relayHeads).filter((h) => Automerge.hasHeads(doc, [h]));
	const onRelay = new Set(Automerge.view(doc, known).messages?.map((m) => m.id) ?? []);
	return new Set(mine.filter((m) => !onRelay.has(m.id)).map((m) => m.id));
}
