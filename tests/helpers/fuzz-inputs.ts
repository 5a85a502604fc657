// Seeded hostile inputs for the relay fuzzer: /sync frames (valid automerge-repo CBOR frames, mutated), /peerjs
// frames (PeerJS JSON, mutated) and raw HTTP requests. Pure: every choice comes from the Prng, so a seed replays them.
import { next as Automerge } from '@automerge/automerge';
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import type { Prng } from './prng.ts';

export interface Input<T> {
	/** The mutation, for the figures: 'truncated', 'wrong-type'... */
	kind: string;
	data: T;
}

const randomDocumentId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId;

export function randomBytes(r: Prng, length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	for (let i = 0; i < length; i++) bytes[i] = r.int(0, 255);
	return bytes;
}

/** A value of a random JSON/CBOR type, sometimes large or nested. */
export function randomValue(r: Prng, depth = 0): unknown {
	switch (r.int(0, depth > 3 ? 6 : 9)) {
		case 0: return null;
		case 1: return r.chance(0.5);
		case 2: return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, 1e308]);
		case 3: return r.pick(['', 'x', '../../etc/passwd', '\u0000', '💥'.repeat(r.int(1, 50)), 'a'.repeat(r.int(100, 5000))]);
		case 4: return randomBytes(r, r.int(0, 64));
		case 5: return r.int(-1000, 1000);
		case 6: return 'jan:fuzz';
		case 7: return Array.from({ length: r.int(0, 5) }, () => randomValue(r, depth + 1));
		default: return Object.fromEntries(Array.from({ length: r.int(0, 5) }, (_, i) => [r.pick(['type', 'senderId', 'targetId', 'documentId', 'data', `k${i}`]), randomValue(r, depth + 1)]));
	}
}

const concat = (...parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) out.set(p, (at += p.length) - p.length);
	return out;
};

/** CBOR headers declaring far more than follows: a byte string, text, array or map of up to 2^64-1. */
function hugeDeclaredLength(r: Prng, senderId: string): Uint8Array {
	const major = r.pick([0x40, 0x60, 0x80, 0xa0]);
	const header = r.pick([
		[major | 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
		[major | 0x1b, 0, 0, 1, 0, 0, 0, 0, 0],
		[major | 0x1a, 0x7f, 0xff, 0xff, 0xff],
		[major | 0x1a, 0x06, 0, 0, 0]
	]);
	// Inside a frame that is otherwise well-formed, as the value of `data`.
	const prefix = concat(new Uint8Array([0xa4]), cbor.encode('type'), cbor.encode('sync'), cbor.encode('senderId'), cbor.encode(senderId), cbor.encode('targetId'), cbor.encode('relay'), cbor.encode('data'));
	return concat(prefix, new Uint8Array(header), randomBytes(r, r.int(0, 32)));
}

export interface SyncContext {
	peerId: string;
	relayPeerId: string;
	/** Documents to name: the legitimate client's (which the attacker may not read) and random ones. */
	documentIds: string[];
	/** Frames over this are refused by the relay outright. */
	maxMessageBytes: number;
}

/** A well-formed frame a client could send after joining. */
function validSyncFrame(r: Prng, ctx: SyncContext): Record<string, unknown> {
	const documentId = r.chance(0.5) ? r.pick(ctx.documentIds) : randomDocumentId();
	const base = { senderId: ctx.peerId, targetId: ctx.relayPeerId, documentId };
	switch (r.int(0, 3)) {
		case 0: return { type: 'request', ...base, data: Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]! };
		case 1: return { type: 'doc-unavailable', ...base };
		case 2: return { type: 'ephemeral', ...base, count: r.int(0, 1e6), sessionId: `s${r.int(0, 1e6)}`, data: cbor.encode({ cursor: r.int(0, 1000) }) };
		default: {
			// A sync message carrying a real change of a document of the attacker's own.
			const doc = Automerge.change(Automerge.init<{ n: number }>(), (d) => (d.n = r.int(0, 1e6)));
			return { type: 'sync', ...base, data: Automerge.generateSyncMessage(doc, Automerge.initSyncState())[1]! };
		}
	}
}

/** One frame for an attacker's joined /sync socket. */
export function syncFrame(r: Prng, ctx: SyncContext): Input<Uint8Array | string> {
	const valid = validSyncFrame(r, ctx);
	const kind = r.pick(['valid', 'wrong-type', 'missing-field', 'extra-fields', 'truncated', 'bit-flips', 'oversized', 'huge-length', 'random-bytes', 'text', 'deep-nesting', 'spoofed-sender', 'bad-document-id', 'not-a-map', 'rejoin']);
	switch (kind) {
		case 'valid': return { kind, data: cbor.encode(valid) };
		case 'wrong-type': {
			const key = r.pick(Object.keys(valid));
			return { kind, data: cbor.encode({ ...valid, [key]: randomValue(r) }) };
		}
		case 'missing-field': {
			const copy = { ...valid };
			delete copy[r.pick(Object.keys(valid))];
			return { kind, data: cbor.encode(copy) };
		}
		case 'extra-fields': return { kind, data: cbor.encode({ ...valid, junk: randomValue(r), __proto__x: randomValue(r), constructor: randomValue(r) }) };
		case 'truncated': {
			const bytes = cbor.encode(valid);
			return { kind, data: bytes.slice(0, r.int(0, bytes.length - 1)) };
		}
		case 'bit-flips': {
			const bytes = new Uint8Array(cbor.encode(valid));
			for (let i = r.int(1, 8); i > 0; i--) bytes[r.int(0, bytes.length - 1)]! ^= 1 << r.int(0, 7);
			return { kind, data: bytes };
		}
		case 'oversized': return { kind, data: cbor.encode({ ...valid, data: new Uint8Array(ctx.maxMessageBytes + r.int(1, 4096)) }) };
		case 'huge-length': return { kind, data: hugeDeclaredLength(r, ctx.peerId) };
		case 'random-bytes': return { kind, data: randomBytes(r, r.int(0, 4096)) };
		case 'text': return { kind, data: r.chance(0.5) ? JSON.stringify(valid, (_k, v) => (v instanceof Uint8Array ? [...v] : v)) : 'x'.repeat(r.int(0, 10_000)) };
		case 'deep-nesting': return { kind, data: new Uint8Array(r.int(1000, 200_000)).fill(r.pick([0x81, 0xa1])) };
		case 'spoofed-sender': return { kind, data: cbor.encode({ ...valid, senderId: r.pick(['petr:legit', 'anna:x', 'relay', ctx.relayPeerId]) }) };
		case 'bad-document-id': return { kind, data: cbor.encode({ ...valid, documentId: r.pick(['', '../../automerge', 'a'.repeat(10_000), 'storage-adapter-id', '%00', 42]) }) };
		case 'not-a-map': return { kind, data: cbor.encode(r.pick([[valid], 'join', 42, null, true])) };
		default: return { kind, data: cbor.encode({ type: 'join', senderId: r.chance(0.7) ? ctx.peerId : 'jan:other', peerMetadata: randomValue(r), supportedProtocolVersions: r.chance(0.5) ? ['1'] : randomValue(r) }) };
	}
}

export interface PeerContext {
	/** Peer ids to address: the legitimate callers' and made-up ones. */
	peerIds: string[];
	conversationId: string;
	/** Frames over this are refused by the relay outright. */
	maxFrameBytes: number;
}

/** One frame for an attacker's /peerjs socket. */
export function peerFrame(r: Prng, ctx: PeerContext): Input<string | Uint8Array> {
	const type = r.pick(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE', 'HEARTBEAT', 'OPEN', 'ID-TAKEN', 'ERROR', 'NOPE']);
	const valid = { type, dst: r.pick(ctx.peerIds), payload: { sdp: 'v=0', type: 'offer', connectionId: `mc_${r.int(0, 1e6)}`, metadata: { conversationId: ctx.conversationId } } };
	const kind = r.pick(['valid', 'wrong-type', 'random-json', 'not-json', 'huge', 'binary', 'deep-nesting', 'empty', 'proto-pollution']);
	switch (kind) {
		case 'valid': return { kind, data: JSON.stringify(valid) };
		case 'wrong-type': {
			const key = r.pick(['type', 'dst', 'src', 'payload', 'payload.metadata', 'payload.metadata.conversationId']);
			const copy = structuredClone(valid) as Record<string, any>;
			const path = key.split('.');
			let at = copy;
			for (const p of path.slice(0, -1)) at = at[p];
			at[path[path.length - 1]!] = randomJson(r);
			return { kind, data: JSON.stringify(copy) };
		}
		case 'random-json': return { kind, data: JSON.stringify(randomJson(r)) };
		case 'not-json': return { kind, data: r.pick(['{', '{"type":', 'undefined', '\u0000\u0001', '{"type":"OFFER"}}', '[1,2']) };
		case 'huge': return { kind, data: JSON.stringify({ ...valid, payload: 'x'.repeat(r.chance(0.5) ? ctx.maxFrameBytes + 1 : r.int(1000, ctx.maxFrameBytes - 1000)) }) };
		case 'binary': return { kind, data: randomBytes(r, r.int(0, 2048)) };
		case 'deep-nesting': {
			const depth = r.int(1000, 100_000);
			return { kind, data: '['.repeat(depth) + ']'.repeat(depth) };
		}
		case 'empty': return { kind, data: '' };
		default: return { kind, data: `{"type":"${type}","dst":${JSON.stringify(valid.dst)},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"payload":{"__proto__":{"x":1}}}` };
	}
}

function randomJson(r: Prng): unknown {
	const value = randomValue(r);
	return JSON.parse(JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? [...v] : v)) ?? 'null');
}

export interface HttpContext {
	/** A valid token of the attacker (signed-in but not a member of the legitimate conversation). */
	token: string;
	conversationId: string;
	/** Sent as X-Forwarded-For: the attacker's one address. */
	address: string;
	maxBodyBytes: number;
}

export interface RawRequest {
	/** The bytes as sent on a fresh TCP connection. */
	bytes: Uint8Array;
	/** Complete requests must get an answer; incomplete ones (a body shorter than declared) may just be closed. */
	complete: boolean;
}

const API_PATHS = (ctx: HttpContext, r: Prng) => [
	'/api/login', '/api/me', '/api/directory', '/api/ice-servers', '/api/conversations', '/api', '/api/',
	`/api/conversations/${ctx.conversationId}/members`, `/api/conversations/${ctx.conversationId}/documents`,
	`/api/conversations/${r.pick([ctx.conversationId, 'x', '%ZZ', '..', '%2e%2e'])}/files/${r.pick(['0'.repeat(64), 'f'.repeat(63), 'X'.repeat(64)])}/${r.pick(['manifest', 'chunks/0', 'chunks/-1', 'chunks/99999999999999999999', 'chunks/%ZZ', 'chunks/1e3'])}`,
	'/api/conversations/%ZZ/members', '/api/%', '/api/../etc/passwd', '//api//login', `/api/${'a'.repeat(r.int(1000, 8000))}`, '/api/login?x=%ZZ&&&==',
	'/api/conversations/\u00e9\u0301/members', '/health?' + 'q'.repeat(r.int(0, 2000)), '/peerjs', '/peerjs/peerjs/id', '/peerjs/peerjs/peers', '/peerjs/x/y/z', '/sync'
];

function body(r: Prng, ctx: HttpContext): { type: string; text: string | Uint8Array } {
	const json = 'application/json';
	switch (r.int(0, 9)) {
		case 0: return { type: json, text: '{"username": "jan", ' };
		case 1: return { type: json, text: JSON.stringify(randomJson(r)) };
		case 2: return { type: json, text: JSON.stringify({ username: randomJson(r), password: randomJson(r) }) };
		case 3: return { type: json, text: JSON.stringify({ documentId: randomJson(r), kind: r.pick(['direct', 'case', 'whiteboard', 7]), caseId: randomJson(r), members: randomJson(r), add: randomJson(r) }) };
		case 4: return { type: json, text: JSON.stringify({ pad: 'x'.repeat(ctx.maxBodyBytes + r.int(1, 10_000)) }) };
		case 5: return { type: r.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', '', 'multipart/form-data; boundary=x']), text: 'username=jan&password=demo' };
		case 6: return { type: 'application/octet-stream', text: randomBytes(r, r.int(0, 70_000)) };
		case 7: return { type: json, text: '['.repeat(r.int(1000, 50_000)) };
		case 8: return { type: 'application/json; charset=utf-16', text: '\uFEFF{}' };
		default: return { type: json, text: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' };
	}
}

/** One HTTP request from the attacker's address, well-formed HTTP or not. */
export function httpRequest(r: Prng, ctx: HttpContext): Input<RawRequest> {
	const encoder = new TextEncoder();
	const method = r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'POST', 'POST', 'PUT']);
	const path = r.pick(API_PATHS(ctx, r));
	const headers: string[] = ['Host: relay', `X-Forwarded-For: ${ctx.address}`, 'Connection: close'];
	const auth = r.pick(['none', 'token', 'garbage', 'basic', 'long']);
	if (auth === 'token') headers.push(`Authorization: Bearer ${ctx.token}`);
	if (auth === 'garbage') headers.push(`Authorization: Bearer ${r.pick(['', 'a.b', '..', ctx.token.slice(0, -3) + 'AAA', ctx.token + 'x'])}`);
	if (auth === 'basic') headers.push('Authorization: Basic amFuOmRlbW8=');
	if (auth === 'long') headers.push(`Authorization: Bearer ${'t'.repeat(r.int(1000, 12_000))}`);
	const withBody = method !== 'GET' && method !== 'HEAD' && r.chance(0.85);
	const { type, text } = withBody ? body(r, ctx) : { type: '', text: '' };
	const payload = typeof text === 'string' ? encoder.encode(text) : text;
	if (type) headers.push(`Content-Type: ${type}`);

	const kind = r.pick(['plain', 'plain', 'plain', 'chunked', 'length-lie-short', 'length-lie-long', 'bad-request-line', 'bad-header', 'huge-headers', 'odd-origin', 'duplicate-headers']);
	const line = (m = method, p = path) => `${m} ${p} HTTP/1.1\r\n`;
	const build = (head: string, rest: Uint8Array = new Uint8Array(0), complete = true): Input<RawRequest> => ({ kind, data: { bytes: concat(encoder.encode(head), rest), complete } });
	switch (kind) {
		case 'chunked': {
			const size = payload.length.toString(16);
			const trailer = r.chance(0.7) ? `\r\n0\r\n\r\n` : `\r\nZZ\r\n`; // sometimes a broken chunk header
			return build(`${line()}${headers.join('\r\n')}\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\n`, concat(payload, encoder.encode(trailer)));
		}
		case 'length-lie-short':
			// Declares more than it sends: the relay cannot answer before the body ends, but must not hang forever.
			return build(`${line()}${headers.join('\r\n')}\r\nContent-Length: ${payload.length + r.int(1, 1000)}\r\n\r\n`, payload, false);
		case 'length-lie-long':
			return build(`${line()}${headers.join('\r\n')}\r\nContent-Length: ${Math.max(0, payload.length - r.int(1, 10))}\r\n\r\n`, payload);
		case 'bad-request-line':
			return build(r.pick([`${method} ${path}\r\n\r\n`, `${method}  ${path} HTTP/9.9\r\n\r\n`, `\u0000\u0001 / HTTP/1.1\r\n\r\n`, `GET /api/me HTTP/1.1 extra\r\nHost: relay\r\n\r\n`, `${method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\nContent-Length: -5\r\n\r\n`, `GET \u00ff\u00fe HTTP/1.1\r\nHost: relay\r\n\r\n`]));
		case 'bad-header':
			return build(`${line()}${headers.join('\r\n')}\r\n${r.pick(['Bad Header: x', 'X: a\u0000b', ': empty', 'Content-Length: 1, 2', 'Transfer-Encoding: chunked, identity'])}\r\nContent-Length: ${payload.length}\r\n\r\n`, payload);
		case 'huge-headers':
			return build(`${line()}${headers.join('\r\n')}\r\nX-Junk: ${'j'.repeat(r.int(17_000, 80_000))}\r\n\r\n`);
		case 'odd-origin':
			headers.push(`Origin: ${r.pick(['null', 'https://evil.example.com', 'http://relay', 'file://', '\u00e9vil', 'x'.repeat(3000)])}`);
			break;
		case 'duplicate-headers':
			headers.push(`Content-Type: ${r.pick(['text/plain', 'application/json'])}`, `Authorization: Bearer ${ctx.token}`, 'Host: other');
			break;
	}
	return build(`${line()}${headers.join('\r\n')}\r\nContent-Length: ${payload.length}\r\n\r\n`, payload);
}
