// Reads no UI state. Document ids every device works out by itself: a conversation's receipts document (who has
// seen what) has an id derived from the conversation's, so each member's device opens it, or starts it offline,
// without asking anyone; the relay derives the same id to know whose it is. Ids are automerge-repo DocumentIds:
// 16 bytes in base58check, exactly as automerge-repo encodes them.
import { sha256 } from '@noble/hashes/sha2';
import bs58check from 'bs58check';

const RECEIPTS_PREFIX = 'caseroom-receipts:';

/** The 16 bytes of a conversation's receipts document id: the first half of SHA-256("caseroom-receipts:" + id). */
export function receiptsIdBytes(conversationId: string): Uint8Array {
	return sha256(new TextEncoder().encode(RECEIPTS_PREFIX + conversationId)).slice(0, 16);
}

export const receiptsDocumentId = (conversationId: string): string => documentIdFromBytes(receiptsIdBytes(conversationId));

export const documentIdFromBytes = (bytes: Uint8Array): string => bs58check.encode(bytes);

/** A 16-byte id is about 28 characters; base58 decoding is quadratic, so a long string is refused before it. */
const MAX_ID_LENGTH = 64;

/** The bytes behind a document id, or undefined when the string is not one. */
export const documentIdBytes = (documentId: string): Uint8Array | undefined => {
	if (documentId.length > MAX_ID_LENGTH) return undefined;
	try {
		return bs58check.decodeUnsafe(documentId);
	} catch {
		return undefined;
	}
};
