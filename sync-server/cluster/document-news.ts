// What relay nodes say to each other about one document, on its bus topic: the changes a node made durable, its
// heads (a receiver lacking one lost a message and reloads from the store), and a peer's live message. One kind byte,
// then the body: the change bytes as they are (nothing to decode on the hot path), the heads as 32 bytes each, a live
// message as its /sync frame (the wire parser checks it as it checks a client's). Pure; reads no I/O.
import type { DocumentId } from '@automerge/automerge-repo/slim';
import type { Elsewhere } from '../sync/document-sync.ts';
import type { LiveMessage } from '../sync/engine.ts';
import { encodeFrame, parseClientFrame } from '../sync/wire.ts';

export type DocumentNews = Exclude<Elsewhere, { kind: 'reload' }> | { kind: 'live'; message: LiveMessage };

const KIND = { changes: 1, heads: 2, live: 3 } as const;
const HASH_BYTES = 32;

/** The bus topic of a document's news. */
export const documentTopic = (documentId: DocumentId) => `doc:${documentId}`;

export function encodeNews(news: DocumentNews): Uint8Array {
	const body =
		news.kind === 'changes' ? news.changes : news.kind === 'heads' ? Buffer.from(news.heads.join(''), 'hex') : encodeFrame(news.message);
	const bytes = new Uint8Array(1 + body.byteLength);
	bytes[0] = KIND[news.kind];
	bytes.set(body, 1);
	return bytes;
}

/** The news in a payload, or null when it is none of ours (or a live message about another document). */
export function decodeNews(payload: Uint8Array, documentId: DocumentId): DocumentNews | null {
	const body = payload.subarray(1);
	switch (payload[0]) {
		case KIND.changes:
			return body.byteLength > 0 ? { kind: 'changes', changes: body } : null;
		case KIND.heads: {
			if (body.byteLength % HASH_BYTES !== 0) return null;
			const hex = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('hex');
			const heads = Array.from({ length: body.byteLength / HASH_BYTES }, (_, i) => hex.slice(i * 2 * HASH_BYTES, (i + 1) * 2 * HASH_BYTES));
			return { kind: 'heads', heads };
		}
		case KIND.live: {
			const frame = parseClientFrame(body);
			if (frame.kind !== 'message' || frame.message.type !== 'ephemeral' || frame.message.documentId !== documentId) return null;
			return { kind: 'live', message: frame.message };
		}
		default:
			return null;
	}
}
