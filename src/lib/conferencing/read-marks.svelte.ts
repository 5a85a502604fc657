// How far everyone has read each conversation, from its receipts document (src/lib/model/receipts.ts), opened or
// started beside the conversation: this person's mark gives frame 1's unread counts, the same on all their devices;
// the others' marks give "Seen by" on this person's messages. Marks the app once kept per device in localStorage
// (`caseroom.read.<user>`) are carried over into the person's mark once, then forgotten.
import type { DocHandle, Repo } from '@automerge/automerge-repo/slim';
import { messagesInTimeOrder } from '$lib/model/conversation';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import { receiptsDocumentId } from '$lib/model/derived-ids';
import type { UserId } from '$lib/model/ids';
import { isReceiptsDoc, markSeen, readMarks, startReceipts } from '$lib/model/receipts';
import type { ReadMark, ReceiptsDoc } from '$lib/model/receipts-schema';
import { readLocal, removeLocal } from '$lib/safe-local-storage';
import { openOrStart } from '$lib/sync/open-or-start';

export type Marks = ReadonlyMap<UserId, ReadMark>;
const NONE: Marks = new Map();

export class ReadMarks {
	/** Every opened conversation's marks, by conversation id. */
	byConversation = $state.raw<ReadonlyMap<string, Marks>>(new Map());

	readonly #repo: Repo;
	readonly #me: UserId;
	readonly #handles = new Map<string, DocHandle<ReceiptsDoc>>();
	readonly #opening = new Set<string>();
	/** Marks that arrived since the last flush: many conversations open at once make one update, not one each. */
	#arrived = new Map<string, Marks>();
	#legacy: Record<string, number>;

	constructor(repo: Repo, me: UserId) {
		this.#repo = repo;
		this.#me = me;
		this.#legacy = takeLegacyCounts(me);
	}

	/** Opens (or starts) the conversation's receipts document; safe to call again. */
	open(conversationId: string): void {
		if (this.#handles.has(conversationId) || this.#opening.has(conversationId)) return;
		this.#opening.add(conversationId);
		openOrStart<ReceiptsDoc>(this.#repo, receiptsDocumentId(conversationId), (doc) => startReceipts(doc, conversationId))
			.then((handle) => {
				this.#handles.set(conversationId, handle);
				const update = () => {
					const doc = handle.doc();
					if (isReceiptsDoc(doc)) this.#arrive(conversationId, readMarks(doc));
				};
				handle.on('change', update);
				update();
				this.#carryOver(conversationId, handle);
			})
			// The device's storage failing is the storage banner's to say; the marks just stay unknown.
			.catch(() => {})
			.finally(() => this.#opening.delete(conversationId));
	}

	marks(conversationId: string): Marks {
		return this.byConversation.get(conversationId) ?? NONE;
	}

	/** How many of the conversation's messages this person has seen, on any of their devices. */
	seenCount(conversationId: string): number {
		return this.marks(conversationId).get(this.#me)?.count ?? 0;
	}

	/** Everything in the conversation so far has been seen by this person. */
	markRead(conversationId: string, doc: ConversationDoc): void {
		const handle = this.#handles.get(conversationId);
		const count = doc.messages.length;
		if (!handle || this.seenCount(conversationId) >= count) return;
		const last = messagesInTimeOrder(doc).at(-1)?.id ?? null;
		handle.change((receipts) => void markSeen(receipts, this.#me, { count, at: Date.now(), last }));
	}

	#arrive(conversationId: string, marks: Marks) {
		if (this.#arrived.size === 0)
			queueMicrotask(() => {
				const next = new Map(this.byConversation);
				for (const [id, m] of this.#arrived) next.set(id, m);
				this.#arrived = new Map();
				this.byConversation = next;
			});
		this.#arrived.set(conversationId, marks);
	}

	#carryOver(conversationId: string, handle: DocHandle<ReceiptsDoc>) {
		const count = this.#legacy[conversationId];
		if (count === undefined) return;
		delete this.#legacy[conversationId];
		handle.change((receipts) => void markSeen(receipts, this.#me, { count, at: Date.now(), last: null }));
	}
}

/** The per-device counts of earlier versions, read once and removed. */
function takeLegacyCounts(userId: string): Record<string, number> {
	const key = `caseroom.read.${userId}`;
	try {
		const parsed: unknown = JSON.parse(readLocal(key) ?? '{}');
		if (typeof parsed !== 'object' || parsed === null) return {};
		return Object.fromEntries(Object.entries(parsed).filter(([, n]) => Number.isSafeInteger(n) && (n as number) > 0)) as Record<string, number>;
	} catch {
		return {};
	} finally {
		removeLocal(key);
	}
}
