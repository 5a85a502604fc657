import { next as Automerge } from '@automerge/automerge';
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './wire.ts';

const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
const syncData = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!;
const frame = (value: unknown) => parseClientFrame(cbor.encode(value));

describe('parseClientFrame', () => {
	it('reads a join, keeping only a storage id that is safe as a storage key', () => {
		expect(frame({ type: 'join', senderId: 'petr:1', peerMetadata: { storageId: 'a1b2-c3', isEphemeral: false }, supportedProtocolVersions: ['1'] })).toEqual({
			kind: 'join',
			senderId: 'petr:1',
			peerMetadata: { storageId: 'a1b2-c3', isEphemeral: false },
			protocolSupported: true
		});
		const hostile = frame({ type: 'join', senderId: 'petr:1', peerMetadata: { storageId: '../../etc/passwd' }, supportedProtocolVersions: ['2'] });
		expect(hostile).toEqual({ kind: 'join', senderId: 'petr:1', peerMetadata: { isEphemeral: false }, protocolSupported: false });
	});

	it('rebuilds sync, request, ephemeral and doc-unavailable messages with only their own fields', () => {
		const base = { senderId: 'petr:1', targetId: 'relay-1', documentId };
		const parsed = frame({ ...base, type: 'sync', data: syncData, extra: 'dropped' });
		expect(parsed).toEqual({ kind: 'message', message: { ...base, type: 'sync', data: new Uint8Array(syncData) } });
		expect(frame({ ...base, type: 'doc-unavailable' })).toMatchObject({ kind: 'message' });
		expect(frame({ ...base, type: 'ephemeral', data: cbor.encode({ x: 1 }), count: 3, sessionId: 's' })).toMatchObject({ kind: 'message' });
		expect(frame({ type: 'remote-heads-changed', senderId: 'petr:1' })).toEqual({ kind: 'ignored', senderId: 'petr:1' });
	});

	it.each([
		['random bytes', new Uint8Array([0xff, 0x00, 0x13])],
		['an array', cbor.encode([1, 2])],
		['no senderId', cbor.encode({ type: 'sync' })],
		['an unknown type', cbor.encode({ type: 'boom', senderId: 'p:1' })],
		['a bad document id', cbor.encode({ type: 'sync', senderId: 'p:1', targetId: 'r', documentId: 'nope', data: syncData })],
		['sync data that is no sync message', cbor.encode({ type: 'sync', senderId: 'p:1', targetId: 'r', documentId, data: new Uint8Array([1]) })],
		['ephemeral data that is no CBOR', cbor.encode({ type: 'ephemeral', senderId: 'p:1', targetId: 'r', documentId, data: new Uint8Array([0xff]), count: 1, sessionId: 's' })],
		['an ephemeral count that is no integer', cbor.encode({ type: 'ephemeral', senderId: 'p:1', targetId: 'r', documentId, data: cbor.encode(1), count: 'x', sessionId: 's' })]
	])('rejects %s', (_name, bytes) => {
		expect(parseClientFrame(bytes).kind).toBe('invalid');
	});
});
