import { describe, expect, it } from 'vitest';
import { documentIdToBinary, generateAutomergeUrl, isValidDocumentId, parseAutomergeUrl, stringifyAutomergeUrl } from '@automerge/automerge-repo';
import { documentIdBytes, documentIdFromBytes, receiptsDocumentId, receiptsIdBytes } from './derived-ids';

describe('derived document ids', () => {
	const conversation = parseAutomergeUrl(generateAutomergeUrl()).documentId;

	it('derives the same receipts id every time, a valid automerge-repo id, different for each conversation', () => {
		const id = receiptsDocumentId(conversation);
		expect(id).toBe(receiptsDocumentId(conversation));
		expect(isValidDocumentId(id)).toBe(true);
		expect(id).not.toBe(conversation);
		expect(receiptsDocumentId(parseAutomergeUrl(generateAutomergeUrl()).documentId)).not.toBe(id);
	});

	it('encodes exactly as automerge-repo does, both ways', () => {
		const bytes = receiptsIdBytes(conversation);
		expect(bytes.length).toBe(16);
		expect(`automerge:${documentIdFromBytes(bytes)}`).toBe(stringifyAutomergeUrl({ documentId: bytes as never }));
		expect(documentIdBytes(receiptsDocumentId(conversation))).toEqual(documentIdToBinary(receiptsDocumentId(conversation) as never));
		// A fixed vector, so a change of prefix or hash is noticed: SHA-256("caseroom-receipts:abc")[0..16].
		expect(Buffer.from(receiptsIdBytes('abc')).toString('hex')).toBe('41e782f42533849ca5e424a9da8da0f2');
	});

	it('says when a string is not a document id', () => {
		for (const bad of ['', 'not base58 0OIl', '1111', 'x'.repeat(200)]) expect(documentIdBytes(bad)).toBeUndefined();
	});
});
