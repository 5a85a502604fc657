// The /sync wire format as the relay reads it: automerge-repo's WebSocket protocol (CBOR frames, join → peer,
// ProtocolV1), with every frame from a client checked and rebuilt before the engine sees it. Pure: no sockets here.
// Only types come from automerge-repo: the relay does not load its Repo. CBOR is encoded as automerge-repo does
// (cbor-x, no records, byte strings untagged), so stock clients read it.
import type { DocumentId, PeerId, PeerMetadata, SessionId, StorageId } from '@automerge/automerge-repo/slim';
import type { ErrorMessage, PeerMessage } from '@automerge/automerge-repo-network-websocket';
import bs58check from 'bs58check';
import { Encoder, decode as decodeCbor } from 'cbor-x';

/** automerge-repo's WebSocket protocol version 1, the only one there is. */
const ProtocolV1 = '1';
const encoder = new Encoder({ tagUint8Array: false, useRecords: false });

/** The messages the relay accepts from a client after its join (remote-heads gossip is not run here). */
export type ClientRepoMessage =
	| { type: 'sync' | 'request'; senderId: PeerId; targetId: PeerId; documentId: DocumentId; data: Uint8Array }
	| { type: 'doc-unavailable'; senderId: PeerId; targetId: PeerId; documentId: DocumentId }
	| { type: 'ephemeral'; senderId: PeerId; targetId: PeerId; documentId: DocumentId; data: Uint8Array; count: number; sessionId: SessionId };

export type ClientFrame =
	| { kind: 'join'; senderId: PeerId; peerMetadata: PeerMetadata; protocolSupported: boolean }
	| { kind: 'message'; message: ClientRepoMessage }
	/** Well-formed but nothing this relay acts on (remote-heads gossip from clients that enable it). */
	| { kind: 'ignored'; senderId: PeerId }
	| { kind: 'invalid'; reason: string };

const MAX_ID_LENGTH = 200;
/** automerge-repo's storage ids are UUIDs; anything else is dropped so it can never reach a storage key. */
const STORAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.byteLength > 0;

/** Decodes and checks one frame from a client; never throws. */
export function parseClientFrame(bytes: Uint8Array): ClientFrame {
	let value: unknown;
	try {
		value = decodeCbor(bytes);
	} catch {
		return { kind: 'invalid', reason: 'not CBOR' };
	}
	if (!isRecord(value) || typeof value.type !== 'string' || !isId(value.senderId)) return { kind: 'invalid', reason: 'not a message' };
	const senderId = value.senderId as PeerId;
	switch (value.type) {
		case 'join':
			return parseJoin(value, senderId);
		case 'remote-subscription-change':
		case 'remote-heads-changed':
			return { kind: 'ignored', senderId };
		case 'sync':
		case 'request':
		case 'ephemeral':
		case 'doc-unavailable':
			return parseRepoMessage(value, value.type, senderId);
		default:
			return { kind: 'invalid', reason: `unknown message type` };
	}
}

function parseJoin(value: Record<string, unknown>, senderId: PeerId): ClientFrame {
	const versions = value.supportedProtocolVersions;
	if (versions !== undefined && (!Array.isArray(versions) || versions.length > 16)) return { kind: 'invalid', reason: 'bad protocol versions' };
	const meta = isRecord(value.peerMetadata) ? value.peerMetadata : {};
	const peerMetadata: PeerMetadata = { isEphemeral: meta.isEphemeral === true };
	if (typeof meta.storageId === 'string' && STORAGE_ID.test(meta.storageId)) peerMetadata.storageId = meta.storageId as StorageId;
	// As the stock server: a client that names no versions speaks V1.
	return { kind: 'join', senderId, peerMetadata, protocolSupported: versions === undefined || versions.includes(ProtocolV1) };
}

function parseRepoMessage(value: Record<string, unknown>, type: ClientRepoMessage['type'], senderId: PeerId): ClientFrame {
	const { targetId, documentId, data } = value;
	if (!isId(targetId) || typeof documentId !== 'string' || !isValidDocumentId(documentId)) return { kind: 'invalid', reason: 'bad ids' };
	const ids = { senderId, targetId: targetId as PeerId, documentId: documentId as DocumentId };
	if (type === 'doc-unavailable') return { kind: 'message', message: { type, ...ids } };
	if (!isBytes(data)) return { kind: 'invalid', reason: 'no data' };
	if (type === 'ephemeral') {
		const { count, sessionId } = value;
		if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || !isId(sessionId)) return { kind: 'invalid', reason: 'bad ephemeral' };
		if (!decodes(() => decodeCbor(data))) return { kind: 'invalid', reason: 'ephemeral data is not CBOR' };
		return { kind: 'message', message: { type, ...ids, data: copy(data), count, sessionId: sessionId as SessionId } };
	}
	// Decoding every message here cost more than the rest of the relay's work on an acknowledgement: only its type
	// byte is checked; Automerge refuses the rest when the document receives it, and the socket is closed then.
	if (!SYNC_MESSAGE_TYPES.has(data[0]!)) return { kind: 'invalid', reason: 'not a sync message' };
	return { kind: 'message', message: { type, ...ids, data: copy(data) } };
}

/** Automerge's sync message type bytes: version 1 (0x42) and version 2 (0x43). */
const SYNC_MESSAGE_TYPES = new Set([0x42, 0x43]);

/** Document ids seen valid lately: a checksum (SHA-256) per frame adds up, and a client repeats the same ids. */
const validIds = new Set<string>();
const VALID_IDS_KEPT = 10_000;

/** A DocumentId is 16 bytes in bs58check, as automerge-repo's isValidDocumentId checks. */
export function isValidDocumentId(id: string): boolean {
	if (validIds.has(id)) return true;
	try {
		if (bs58check.decode(id).length !== 16) return false;
	} catch {
		return false;
	}
	if (validIds.size >= VALID_IDS_KEPT) validIds.clear();
	validIds.add(id);
	return true;
}

function decodes(fn: () => unknown): boolean {
	try {
		fn();
		return true;
	} catch {
		return false;
	}
}

/** A plain Uint8Array the size of the payload (cbor-x may hand out views on a larger Buffer). */
const copy = (data: Uint8Array) => new Uint8Array(data);

export function peerMessage(relayPeerId: PeerId, relayMetadata: PeerMetadata, targetId: PeerId): PeerMessage {
	return { type: 'peer', senderId: relayPeerId, peerMetadata: relayMetadata, selectedProtocolVersion: ProtocolV1, targetId };
}

export function errorMessage(relayPeerId: PeerId, targetId: PeerId, message: string): ErrorMessage {
	return { type: 'error', senderId: relayPeerId, message, targetId };
}

/** What the relay sends: its join answer, a refusal, and repo messages about one document. */
export type RelayFrame =
	| PeerMessage
	| ErrorMessage
	| { type: 'sync' | 'request'; senderId: PeerId; targetId: PeerId; documentId: DocumentId; data: Uint8Array }
	| { type: 'doc-unavailable'; senderId: PeerId; targetId: PeerId; documentId: DocumentId }
	| Extract<ClientRepoMessage, { type: 'ephemeral' }>;

/** CBOR bytes of a frame for the socket (a fresh buffer: ws sends the whole underlying ArrayBuffer otherwise). */
export function encodeFrame(frame: RelayFrame): Uint8Array {
	return new Uint8Array(encoder.encode(frame));
}
