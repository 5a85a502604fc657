import type { DocumentId, PeerId, SessionId } from '@automerge/automerge-repo/slim';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { decodeNews, encodeNews } from './document-news.ts';

const newId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId as DocumentId;

describe('document news between relay nodes', () => {
	const documentId = newId();

	it('carries changes, heads and live messages as they were', () => {
		const changes = new Uint8Array([0x85, 0x6f, 0x4a, 0x83, 1, 2, 3]);
		expect(decodeNews(encodeNews({ kind: 'changes', changes }), documentId)).toEqual({ kind: 'changes', changes });
		const heads = ['ab'.repeat(32), '01'.repeat(32)];
		expect(decodeNews(encodeNews({ kind: 'heads', heads }), documentId)).toEqual({ kind: 'heads', heads });
		const data = new Uint8Array(new Encoder({ tagUint8Array: false, useRecords: false }).encode({ pointer: { x: 1, y: 2 } }));
		const message = { type: 'ephemeral' as const, senderId: 'anna:t1' as PeerId, targetId: 'relay-1' as PeerId, documentId, data, count: 7, sessionId: 's1' as SessionId };
		expect(decodeNews(encodeNews({ kind: 'live', message }), documentId)).toEqual({ kind: 'live', message });
	});

	it('refuses what is not news about this document', () => {
		expect(decodeNews(new Uint8Array([9, 1, 2]), documentId)).toBeNull();
		expect(decodeNews(new Uint8Array([1]), documentId)).toBeNull();
		expect(decodeNews(new Uint8Array([2, 1, 2, 3]), documentId)).toBeNull();
		const data = new Uint8Array(new Encoder({ tagUint8Array: false, useRecords: false }).encode({ pointer: 1 }));
		const aboutAnother = { type: 'ephemeral' as const, senderId: 'anna:t1' as PeerId, targetId: 'relay-1' as PeerId, documentId: newId(), data, count: 1, sessionId: 's1' as SessionId };
		expect(decodeNews(encodeNews({ kind: 'live', message: aboutAnother }), documentId)).toBeNull();
		expect(decodeNews(new Uint8Array([3, 0xff, 0x00]), documentId)).toBeNull();
	});
});
