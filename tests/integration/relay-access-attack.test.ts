// Access under attack, against the real relay: over 10,000 seeded attempts to read what one may not. Guessed and
// stolen document ids over /sync (automerge-repo request and sync messages, heads gossip, another person's peer id)
// and over the files API, taking a conversation or whiteboard over through the API, live messages, forged, tampered,
// expired and revoked tokens, a PeerJS client claiming another's peer id or offering to a member without membership,
// and a member removed from a conversation while their app, a raw socket and a call are open. Attackers use raw
// sockets and plain requests (a full Repo per attempt would cost more than the attempt).
// Every attempt is counted by kind; every kind must leak nothing. sync-hostile, relay-peer and relay-blobs test
// each refusal once; this file throws many of them, mixed, at one relay, and adds what follows a removal.
// Replay a run with SEED=<seed>.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { next as Automerge } from '@automerge/automerge';
import { parseAutomergeUrl, stringifyAutomergeUrl, type BinaryDocumentId, type DocHandle } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sendAdminCommand } from '../../sync-server/admin/socket.ts';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { prng, seedFromEnv, type Prng } from '../helpers/prng.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';
import { FAST_BACKOFF, joinFrame, rawSocket, sleep, until, type RawSocket } from './sync-harness.ts';

const seed = seedFromEnv();
console.log(`relay-access-attack: seed ${seed} (replay with SEED=${seed})`);
const rand = prng(seed);
const TTL_HOURS = 12;

// ---- the tally -------------------------------------------------------------------------------------------------

interface Count {
	attempts: number;
	refused: number;
	leaked: number;
}
const tally = new Map<string, Count>();
const leaks: string[] = [];
function record(kind: string, refused: boolean, leak: string | null = null): void {
	const c = tally.get(kind) ?? { attempts: 0, refused: 0, leaked: 0 };
	c.attempts++;
	if (refused) c.refused++;
	if (leak) {
		c.leaked++;
		if (leaks.length < 20) leaks.push(`${kind}: ${leak}`);
	}
	tally.set(kind, c);
}

// ---- the world -------------------------------------------------------------------------------------------------

let clockOffset = 0;
let relay: TestRelay;
const token: Record<string, string> = {};
let petr: ClientRepo;
let conversationA: DocHandle<Doc>; // petr, anna, tomas on SC-1042
let boardA: DocHandle<Doc>; // a whiteboard of A
let conversationB: DocHandle<Doc>; // petr and eva only
let janOwn = ''; // jan's own conversation, to reach others' files through
const stolen: string[] = [];
/** Every secret written anywhere: an attacker's bytes must never contain one. */
const secrets: string[] = [];
const FILE_BYTES = 40_000;
let fileA = { sha256: '', bytes: Buffer.alloc(0) };
const clients: ClientRepo[] = [];
const sockets: WebSocket[] = [];

interface Doc {
	secret: string;
	lines: string[];
}
const secret = (what: string) => {
	const s = `SECRET-${what}-${rand.int(1e8, 9e8)}`;
	secrets.push(s);
	return s;
};
const syncUrl = () => `${relay.wsUrl}/sync`;
const client = (user: string) => {
	const c = createClientRepo({ url: syncUrl(), token: token[user]!, userId: user, webSocket: WebSocket as never, backoff: FAST_BACKOFF });
	clients.push(c);
	return c;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hasSecret = (bytes: Buffer | string) => secrets.some((s) => (typeof bytes === 'string' ? bytes.includes(s) : bytes.includes(s)));
/** A valid document id from the seeded generator (what a guesser would try). */
const guessedId = (r: Prng): string =>
	parseAutomergeUrl(stringifyAutomergeUrl({ documentId: Uint8Array.from({ length: 16 }, () => r.int(0, 255)) as BinaryDocumentId })).documentId;

beforeAll(async () => {
	relay = await startRelay({ tokenTtlHours: TTL_HOURS, fileMaxBytes: 1024 * 1024 }, { now: () => Date.now() + clockOffset });
	for (const user of ['petr', 'anna', 'tomas', 'jan', 'eva']) token[user] = (await login(relay.url, user)).token;
	petr = client('petr');
	conversationA = petr.repo.create<Doc>({ secret: secret('A'), lines: [] });
	boardA = petr.repo.create<Doc>({ secret: secret('board'), lines: [] });
	conversationB = petr.repo.create<Doc>({ secret: secret('B'), lines: [] });
	const register = (documentId: string, kind: string, members: string[], caseId?: string) =>
		api(relay.url, '/api/conversations', { token: token.petr, body: { documentId, kind, members, caseId } });
	expect((await register(conversationA.documentId, 'case', ['anna', 'tomas'], 'SC-1042')).status).toBe(201);
	expect((await register(conversationB.documentId, 'direct', ['eva'])).status).toBe(201);
	const attach = await api(relay.url, `/api/conversations/${conversationA.documentId}/documents`, { token: token.petr, body: { documentId: boardA.documentId, kind: 'whiteboard' } });
	expect(attach.status).toBe(201);
	for (const h of [conversationA, boardA, conversationB]) expect(await petr.delivery.whenDelivered(h, 10_000)).toBe(true);
	stolen.push(conversationA.documentId, boardA.documentId, conversationB.documentId);

	janOwn = guessedId(rand);
	expect((await api(relay.url, '/api/conversations', { token: token.jan, body: { documentId: janOwn, kind: 'direct', members: [] } })).status).toBe(201);

	// A shared file of A on the relay, one chunk holding a secret.
	const bytes = Buffer.alloc(FILE_BYTES, 7);
	bytes.write(secret('file'), 1000);
	fileA = { sha256: sha(bytes), bytes };
	const manifest = { sha256: fileA.sha256, size: FILE_BYTES, chunkSize: 256 * 1024, chunks: [sha(bytes)] };
	expect((await api(relay.url, filePath(conversationA.documentId, fileA.sha256, 'manifest'), { token: token.petr, body: manifest })).status).toBe(200);
	const put = await fetch(`${relay.url}${filePath(conversationA.documentId, fileA.sha256, 'chunks/0')}`, {
		method: 'PUT',
		headers: { authorization: `Bearer ${token.petr}`, 'content-type': 'application/octet-stream' },
		body: new Uint8Array(bytes)
	});
	expect(put.status).toBe(201);
}, 30_000);

afterAll(async () => {
	for (const ws of sockets) ws.terminate();
	await Promise.all(clients.map((c) => c.shutdown()));
	await relay?.close();
	// The relay restarted on the same DATA_DIR no longer owns it.
	if (relay) rmSync(relay.dataDir, { recursive: true, force: true });
	const rows = [...tally].map(([kind, c]) => `  ${kind.padEnd(40)} ${String(c.attempts).padStart(6)} ${String(c.refused).padStart(8)} ${String(c.leaked).padStart(7)}`);
	const total = [...tally.values()].reduce((t, c) => ({ attempts: t.attempts + c.attempts, refused: t.refused + c.refused, leaked: t.leaked + c.leaked }), { attempts: 0, refused: 0, leaked: 0 });
	console.log(`relay-access-attack (seed ${seed}):\n  ${'kind'.padEnd(40)} attempts  refused  leaked\n${rows.join('\n')}\n  ${'total'.padEnd(40)} ${String(total.attempts).padStart(6)} ${String(total.refused).padStart(8)} ${String(total.leaked).padStart(7)}`);
});

function filePath(conversation: string, file: string, rest: string) {
	return `/api/conversations/${encodeURIComponent(conversation)}/files/${file}/${rest}`;
}

/** A raw automerge-repo socket that joined as `peerId`; resolves with it and the relay's peer id. */
async function joinedRaw(user: string, peerId: string): Promise<{ raw: RawSocket; relayId: string }> {
	const raw = rawSocket(syncUrl(), token[user]!);
	sockets.push(raw.socket);
	await raw.opened;
	raw.send(joinFrame(peerId));
	await until(() => raw.frames.some((f) => f.type === 'peer'), 5000, `${peerId} joined`);
	return { raw, relayId: raw.frames.find((f) => f.type === 'peer')!.senderId as string };
}

const emptySync = () => Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!;

/** A sync message carrying a real change that would overwrite the document's secret. */
function writeAttempt(): Uint8Array {
	const doc = Automerge.from({ secret: 'OVERWRITTEN', lines: ['attacker'] });
	return Automerge.generateSyncMessage(doc, Automerge.initSyncState())[1]!;
}

// What a peer socket answers: the upgrade's status, or the open socket and what it receives.
interface PeerClient {
	ws: WebSocket;
	got: any[];
}
const peerUrl = (id: string, t: string) => `${relay.wsUrl}/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${encodeURIComponent(t)}`;
function connectPeer(id: string, t: string): Promise<PeerClient | number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(peerUrl(id, t));
		const got: any[] = [];
		ws.on('message', (d) => {
			const m = JSON.parse(String(d));
			if (m.type === 'OPEN') {
				sockets.push(ws);
				resolve({ ws, got });
			} else got.push(m);
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode!);
			ws.terminate();
		});
		ws.on('error', () => resolve(0));
	});
}
async function openPeer(id: string, user: string): Promise<PeerClient> {
	const p = await connectPeer(id, token[user]!);
	if (typeof p === 'number') throw new Error(`${id}: refused ${p}`);
	return p;
}
/** Status of a /sync upgrade with this token (101 when it opened). */
function syncUpgrade(t: string): Promise<number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`${syncUrl()}?token=${encodeURIComponent(t)}`);
		ws.on('open', () => {
			ws.terminate();
			resolve(101);
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode!);
			ws.terminate();
		});
		ws.on('error', () => resolve(0));
	});
}

/** Runs `fn` on every item, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < items.length) await fn(items[next++]!);
	};
	await Promise.all(Array.from({ length: width }, lane));
}

// ---- the attacks -----------------------------------------------------------------------------------------------

describe('an outsider with a valid sign-in', () => {
	it('gets nothing over /sync for guessed or stolen document ids, and writes nothing', async () => {
		const { raw, relayId } = await joinedRaw('jan', 'jan:attack');
		const sent: { kind: string; documentId: string }[] = [];
		const r = rand.fork();
		const before = conversationA.doc().secret;
		for (let batch = 0; batch < 40; batch++) {
			const start = raw.frames.length;
			for (let i = 0; i < 100; i++) {
				const kind = r.chance(0.4) ? 'sync: guessed id' : r.chance(0.1) ? 'sync: stolen id, write' : 'sync: stolen id';
				const documentId = kind === 'sync: guessed id' ? guessedId(r) : r.pick(stolen);
				const type = r.chance(0.5) ? 'request' : 'sync';
				const data = kind === 'sync: stolen id, write' ? writeAttempt() : emptySync();
				raw.send({ type: kind.endsWith('write') ? 'sync' : type, senderId: 'jan:attack', targetId: relayId, documentId, data });
				sent.push({ kind, documentId });
			}
			// Every message gets its "unavailable": wait for the batch's answers (this also paces the attack).
			await until(() => raw.frames.slice(start).filter((f) => f.type === 'doc-unavailable').length >= 100, 10_000, 'answers to a batch');
		}
		await sleep(300);
		const unavailable = new Map<string, number>();
		for (const f of raw.frames) if (f.type === 'doc-unavailable') unavailable.set(f.documentId as string, (unavailable.get(f.documentId as string) ?? 0) + 1);
		const others = raw.frames.filter((f) => f.type !== 'doc-unavailable' && f.type !== 'peer');
		const bytesLeak = hasSecret(Buffer.concat(raw.bytes));
		for (const s of sent) {
			const refused = (unavailable.get(s.documentId) ?? 0) > 0;
			const leak = others.find((f) => f.documentId === s.documentId) ? `a ${String(others[0]!.type)} frame` : bytesLeak ? 'secret bytes' : null;
			record(s.kind, refused, leak);
		}
		expect(raw.socket.readyState).toBe(raw.socket.OPEN);
		// The members' documents are untouched by the write attempts.
		await sleep(200);
		expect(conversationA.doc().secret).toBe(before);
		const anna = client('anna');
		const annaA = await anna.repo.find<Doc>(conversationA.url);
		expect(annaA.doc().secret).toBe(before);
		expect(annaA.doc().lines).not.toContain('attacker');
	}, 60_000);

	it('is told of no document through heads gossip, and cannot speak as another peer', async () => {
		const r = rand.fork();
		const { raw, relayId } = await joinedRaw('jan', 'jan:gossip');
		const relayStorageId = (raw.frames.find((f) => f.type === 'peer')!.peerMetadata as { storageId?: string }).storageId ?? 'relay';
		// Subscribing to the relay's heads (a stock server with heads gossip would then report every document it syncs),
		// and claiming heads of stolen documents.
		for (let i = 0; i < 300; i++) {
			const add = [relayStorageId, ...Array.from({ length: r.int(0, 3) }, () => `storage-${r.int(1e8, 9e8)}`)];
			raw.send({ type: 'remote-subscription-change', senderId: 'jan:gossip', targetId: relayId, add, remove: [] });
			const documentId = r.chance(0.8) ? r.pick(stolen) : guessedId(r);
			raw.send({ type: 'remote-heads-changed', senderId: 'jan:gossip', targetId: relayId, documentId, newHeads: { [relayStorageId]: { heads: [], timestamp: Date.now() } } });
		}
		// The members keep writing: a relay that honoured the subscriptions would gossip these documents' heads now.
		for (const h of [conversationA, boardA, conversationB]) h.change((d) => void d.lines.push(secret('gossip')));
		await sleep(500);
		const told = raw.frames.filter((f) => f.type !== 'peer').length;
		for (let i = 0; i < 300; i++) {
			record('sync: heads subscription', true, told ? `${told} frames` : null);
			record('sync: heads claimed for a stolen document', true, told || hasSecret(Buffer.concat(raw.bytes)) ? `${told} frames` : null);
		}
		expect(raw.socket.readyState).toBe(raw.socket.OPEN);

		// Joining as someone else's peer id, or speaking as Petr's device after joining as himself: refused, socket closed.
		const impersonate = async (i: number) => {
			const joinAsOther = i % 2 === 0;
			const victim = r.pick([petr.repo.peerId as string, 'anna:tablet', 'tomas:phone', 'eva:x1']);
			const own = `jan:s${i}`;
			const socket = rawSocket(syncUrl(), token.jan!);
			await socket.opened;
			socket.send(joinFrame(joinAsOther ? victim : own));
			if (!joinAsOther) {
				await until(() => socket.frames.some((f) => f.type === 'peer'), 5000, `${own} joined`);
				const relay = socket.frames.find((f) => f.type === 'peer')!.senderId;
				socket.send({ type: r.pick(['request', 'sync']), senderId: victim, targetId: relay, documentId: r.pick(stolen), data: emptySync() });
			}
			// Closing (the relay's close frame came, the refused join's after an error frame) or closed (dropped at once).
			const closed = await until(() => socket.socket.readyState >= socket.socket.CLOSING, 5000).then(
				() => true,
				() => false
			);
			socket.socket.terminate();
			const got = socket.frames.filter((f) => f.type !== 'peer' && f.type !== 'error');
			const leak = got.length ? `${got.length} frames` : hasSecret(Buffer.concat(socket.bytes)) ? 'secret bytes' : null;
			record(joinAsOther ? "sync: join as another person's peer" : "sync: frames spoofing another person's peer", closed, leak);
		};
		for (let batch = 0; batch < 20; batch++) await Promise.all(Array.from({ length: 10 }, (_, i) => impersonate(batch * 10 + i)));
	}, 60_000);

	it('cannot take a conversation or a whiteboard over through the API', async () => {
		const r = rand.fork();
		const conversations = '/api/conversations';
		// Each kind of attempt: the request it makes against a stolen id (conversation A or B, or A's whiteboard).
		const attacks: Record<string, (target: string) => [path: string, body: unknown]> = {
			'api: register a stolen id as his own': (target) => [conversations, { documentId: target, kind: r.pick(['direct', 'case']), caseId: r.pick([undefined, 'SC-2001']), members: r.pick([[], ['petr']]) }],
			'api: add members to a stolen conversation': (target) => [`${conversations}/${target}/members`, { add: [r.pick(['jan', 'tomas', 'anna'])] }],
			'api: remove members from a stolen conversation': (target) => [`${conversations}/${target}/members/remove`, { remove: [r.pick(['petr', 'anna', 'eva'])] }],
			'api: attach a document to a stolen conversation': (target) => [`${conversations}/${target}/documents`, { documentId: guessedId(r), kind: 'whiteboard' }],
			'api: attach a stolen document to his own conversation': (target) => [`${conversations}/${janOwn}/documents`, { documentId: target, kind: 'whiteboard' }]
		};
		const attempts = Array.from({ length: 600 }, () => {
			const kind = r.pick(Object.keys(attacks));
			const [path, body] = attacks[kind]!(r.pick(stolen));
			return { kind, path, body };
		});
		await inParallel(attempts, 4, async ({ kind, path, body }) => {
			const res = await api(relay.url, path, { token: token.jan, body });
			record(kind, res.status >= 400, res.status < 400 ? `status ${res.status}` : hasSecret(JSON.stringify(res.body)) ? 'secret in the answer' : null);
		});
		// Nothing of it stuck: his list holds his own conversation only, and the members' lists are as they were.
		const list = await api(relay.url, '/api/conversations', { token: token.jan });
		expect(list.body.map((c: { id: string }) => c.id)).toEqual([janOwn]);
		const petrs = await api(relay.url, '/api/conversations', { token: token.petr });
		const a = petrs.body.find((c: { id: string }) => c.id === conversationA.documentId);
		expect(a.members.sort()).toEqual(['anna', 'petr', 'tomas']);
	}, 60_000);

	it('hears no live messages and reaches no member with its own', async () => {
		const { raw: jan, relayId } = await joinedRaw('jan', 'jan:live');
		const { raw: anna, relayId: relayForAnna } = await joinedRaw('anna', 'anna:live');
		// Anna opens A and the board: she is a watcher of both, so live messages on them reach her socket.
		for (const documentId of [conversationA.documentId, boardA.documentId])
			anna.send({ type: 'request', senderId: 'anna:live', targetId: relayForAnna, documentId, data: emptySync() });
		await until(() => anna.frames.filter((f) => f.type === 'sync').length >= 2, 5000, 'anna has A and the board');
		const r = rand.fork();
		for (let i = 0; i < 1500; i++) {
			const documentId = r.chance(0.8) ? r.pick(stolen) : guessedId(r);
			jan.send({ type: 'ephemeral', senderId: 'jan:live', targetId: relayId, documentId, count: i + 1, sessionId: 'jan-session', data: new Uint8Array([0xa1, 0x61, 0x78, 0x01]) });
		}
		// And the other way round: Petr's presence on A and the board, each with a secret.
		for (let i = 0; i < 500; i++) (i % 2 ? conversationA : boardA).broadcast({ cursor: secret(`live-${i}`) });
		await until(() => anna.frames.filter((f) => f.type === 'ephemeral').length >= 500, 10_000, 'anna hears petr');
		await sleep(300);
		const janHeard = anna.frames.filter((f) => f.type === 'ephemeral' && String(f.senderId).startsWith('jan:')).length;
		for (let i = 0; i < 1500; i++) record('ephemeral: outsider to members', true, janHeard > 0 ? `${janHeard} reached anna` : null);
		const toJan = jan.frames.filter((f) => f.type === 'ephemeral').length;
		const janBytes = hasSecret(Buffer.concat(jan.bytes));
		for (let i = 0; i < 500; i++) record('ephemeral: members to outsider', true, toJan > 0 || janBytes ? `${toJan} reached jan` : null);
		expect(jan.socket.readyState).toBe(jan.socket.OPEN);
	}, 30_000);

	it('gets no file bytes or manifests through the files API', async () => {
		const r = rand.fork();
		const realChunk = sha(fileA.bytes);
		// Drawn in order from the seed, sent four at a time (each answer waits on the relay's disk now and then).
		const attempts = Array.from({ length: 1000 }, () => {
			const which = r.int(0, 3);
			const conversation = which === 0 ? guessedId(r) : which === 1 ? janOwn : r.pick(stolen);
			const kind = which === 0 ? 'files: guessed conversation' : which === 1 ? 'files: via own conversation' : 'files: stolen conversation';
			const file = r.chance(0.7) ? fileA.sha256 : sha(Buffer.from(String(r.next())));
			return { which, conversation, kind, file, op: r.int(0, 3), chunk: r.int(0, 2) };
		});
		await inParallel(attempts, 4, async ({ which, conversation, kind, file, op, chunk }) => {
			let res: Response;
			if (op === 0) res = await fetch(`${relay.url}${filePath(conversation, file, 'manifest')}`, { headers: { authorization: `Bearer ${token.jan}` } });
			else if (op === 1) res = await fetch(`${relay.url}${filePath(conversation, file, `chunks/${chunk}`)}`, { headers: { authorization: `Bearer ${token.jan}` } });
			else if (op === 2)
				res = await fetch(`${relay.url}${filePath(conversation, file, 'manifest')}`, {
					method: 'POST',
					headers: { authorization: `Bearer ${token.jan}`, 'content-type': 'application/json' },
					body: JSON.stringify({ sha256: file, size: FILE_BYTES, chunkSize: 256 * 1024, chunks: [realChunk] })
				});
			else
				res = await fetch(`${relay.url}${filePath(conversation, file, 'chunks/0')}`, {
					method: 'PUT',
					headers: { authorization: `Bearer ${token.jan}`, 'content-type': 'application/octet-stream' },
					body: new Uint8Array(64)
				});
			const body = Buffer.from(await res.arrayBuffer());
			// In his own conversation Jan may announce any file (a claim), but sees no chunk of it until he uploads them all.
			const ownClaim = which === 1 && op !== 1 && res.ok;
			const shown = ownClaim && op !== 3 ? ((JSON.parse(body.toString()) as { present?: number[] }).present ?? []) : [];
			const leak = hasSecret(body) ? 'secret bytes' : shown.length > 0 ? `chunks ${shown.join()} shown` : res.ok && !ownClaim ? `status ${res.status}` : null;
			record(kind, !res.ok || ownClaim, leak);
		});
		// Knowing the file's SHA-256 is not enough: through his own conversation its chunks stay out of reach.
		const own = await api(relay.url, filePath(janOwn, fileA.sha256, 'manifest'), { token: token.jan });
		expect(own.body.present).toEqual([]);
		expect((await fetch(`${relay.url}${filePath(janOwn, fileA.sha256, 'chunks/0')}`, { headers: { authorization: `Bearer ${token.jan}` } })).status).toBe(404);
		// Uploading the bytes himself proves he has them; then his conversation shares the file like any other.
		const put = await fetch(`${relay.url}${filePath(janOwn, fileA.sha256, 'chunks/0')}`, { method: 'PUT', headers: { authorization: `Bearer ${token.jan}` }, body: new Uint8Array(fileA.bytes) });
		expect(put.status).toBe(201);
		expect((await fetch(`${relay.url}${filePath(janOwn, fileA.sha256, 'chunks/0')}`, { headers: { authorization: `Bearer ${token.jan}` } })).status).toBe(200);
	}, 60_000);

	it("cannot claim another's PeerJS id, offer to a member, or signal without an allowed offer", async () => {
		const r = rand.fork();
		const anna = await openPeer('anna-a1', 'anna');
		const petrPeer = await openPeer('petr-p1', 'petr');
		for (let i = 0; i < 60; i++) {
			const id = r.pick(['petr', 'anna', 'tomas', 'eva']) + r.pick(['-', '-x-', '']) + r.int(1, 99999);
			const status = await connectPeer(id, token.jan!);
			record('peer: claim another id', typeof status === 'number', typeof status === 'number' ? null : `opened as ${id}`);
			if (typeof status !== 'number') status.ws.terminate();
		}
		const jan = await openPeer('jan-j1', 'jan');
		for (let i = 0; i < 800; i++) {
			const dst = r.pick(['anna-a1', 'petr-p1']);
			const type = r.pick(['OFFER', 'OFFER', 'ANSWER', 'CANDIDATE']);
			const conversationId = r.pick([...stolen, guessedId(r), undefined]);
			const payload = { sdp: 'v=0', candidate: 'c', connectionId: `mc_${r.int(1, 50)}`, type: r.pick(['media', 'data']), metadata: { conversationId } };
			jan.ws.send(JSON.stringify({ type, dst, payload }));
		}
		await sleep(500);
		const reached = [...anna.got, ...petrPeer.got].filter((m) => m.src === 'jan-j1').length;
		const expires = jan.got.filter((m) => m.type === 'EXPIRE').length;
		for (let i = 0; i < 800; i++) record('peer: offer or signal as outsider', true, reached > 0 ? `${reached} reached members` : null);
		expect(expires).toBeGreaterThan(0);
		expect(jan.ws.readyState).toBe(jan.ws.OPEN);
	}, 30_000);
});

describe('tokens that are not, or no longer, valid', () => {
	async function tryEverywhere(kind: string, t: string): Promise<void> {
		const statuses = [
			await syncUpgrade(t),
			(await api(relay.url, '/api/conversations', { token: t })).status,
			(await fetch(`${relay.url}${filePath(conversationA.documentId, fileA.sha256, 'chunks/0')}`, { headers: { authorization: `Bearer ${t}` } })).status
		];
		const peer = await connectPeer(`jan-${rand.int(1, 1e6)}`, t);
		if (typeof peer !== 'number') peer.ws.terminate();
		statuses.push(typeof peer === 'number' ? peer : 101);
		for (const [i, status] of statuses.entries()) {
			const where = ['/sync', '/api', 'files', '/peerjs'][i]!;
			record(`${kind} (${where})`, status >= 400, status < 400 && status !== 0 ? `${where} answered ${status}` : null);
		}
	}

	it('refuses forged and tampered tokens everywhere', async () => {
		const r = rand.fork();
		const [body, signature] = token.jan!.split('.') as [string, string];
		const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
		const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
		for (let i = 0; i < 40; i++) {
			const forged = r.pick([
				() => Array.from({ length: r.int(1, 200) }, () => String.fromCharCode(r.int(33, 126))).join(''),
				() => `${b64({ sub: 'petr', iat: payload.iat, exp: payload.exp, epoch: 0 })}.${Buffer.from(Array.from({ length: 32 }, () => r.int(0, 255))).toString('base64url')}`,
				() => `${b64({ sub: 'petr', iat: payload.iat, exp: payload.exp, epoch: 0 })}.`
			])();
			await tryEverywhere('token: forged', forged);
			const tampered = r.pick([
				() => `${b64({ ...payload, sub: r.pick(['petr', 'anna', 'eva']) })}.${signature}`,
				() => `${b64({ ...payload, exp: payload.exp + 86_400 * 365 })}.${signature}`,
				() => `${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
				() => `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${signature}`
			])();
			await tryEverywhere('token: tampered', tampered);
		}
	}, 60_000);

	it('refuses a token replayed after its person was disabled and enabled again', async () => {
		const old = (await login(relay.url, 'tomas')).token;
		expect(await syncUpgrade(old)).toBe(101);
		expect((await sendAdminCommand(relay.dataDir, ['disable', 'tomas']))?.ok).toBe(true);
		expect((await sendAdminCommand(relay.dataDir, ['enable', 'tomas']))?.ok).toBe(true);
		for (let i = 0; i < 25; i++) await tryEverywhere('token: replayed after revoke', old);
		token.tomas = (await login(relay.url, 'tomas')).token;
	}, 60_000);

	it('refuses an expired token', async () => {
		const old = (await login(relay.url, 'jan')).token;
		expect(await syncUpgrade(old)).toBe(101);
		clockOffset += (TTL_HOURS + 1) * 3600_000;
		try {
			for (let i = 0; i < 25; i++) await tryEverywhere('token: expired', old);
		} finally {
			clockOffset = 0;
		}
	}, 60_000);
});

describe('a member removed from a conversation', () => {
	it('receives nothing new: no changes, whiteboards, live messages, file bytes or call signals', async () => {
		// Tomas, a member of A: his app has A and the board, a raw socket watches A, and a call with Petr is set up.
		const tomas = client('tomas');
		const tomasA = await tomas.repo.find<Doc>(conversationA.url);
		const tomasBoard = await tomas.repo.find<Doc>(boardA.url);
		const { raw, relayId } = await joinedRaw('tomas', 'tomas:raw');
		raw.send({ type: 'request', senderId: 'tomas:raw', targetId: relayId, documentId: conversationA.documentId, data: emptySync() });
		await until(() => raw.frames.some((f) => f.type === 'sync'), 5000, 'tomas raw has A');
		const tomasPeer = await openPeer('tomas-t1', 'tomas');
		const petrPeer = await openPeer('petr-p2', 'petr');
		tomasPeer.ws.send(JSON.stringify({ type: 'OFFER', dst: 'petr-p2', payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_call', metadata: { conversationId: conversationA.documentId } } }));
		await until(() => petrPeer.got.some((m) => m.type === 'OFFER'), 5000, 'the offer');
		petrPeer.ws.send(JSON.stringify({ type: 'ANSWER', dst: 'tomas-t1', payload: { sdp: 'v=0 answer', type: 'media', connectionId: 'mc_call' } }));
		await until(() => tomasPeer.got.some((m) => m.type === 'ANSWER'), 5000, 'the answer');
		const fileBefore = await fetch(`${relay.url}${filePath(conversationA.documentId, fileA.sha256, 'chunks/0')}`, { headers: { authorization: `Bearer ${token.tomas}` } });
		expect(fileBefore.status).toBe(200);
		await sleep(300);

		const removed = await api(relay.url, `/api/conversations/${conversationA.documentId}/members/remove`, { token: token.petr, body: { remove: ['tomas'] } });
		expect(removed.status).toBe(200);
		expect(removed.body.members).not.toContain('tomas');
		const rawFrom = raw.bytes.length;
		// Both ends of the call are told to hang up, at once.
		await until(() => tomasPeer.got.some((m) => m.type === 'LEAVE' && m.src === 'petr-p2'), 2000, 'LEAVE to tomas');
		await until(() => petrPeer.got.some((m) => m.type === 'LEAVE' && m.src === 'tomas-t1'), 2000, 'LEAVE to petr');
		const peerFrom = tomasPeer.got.length;

		const r = rand.fork();
		const after: string[] = [];
		for (let i = 0; i < 100; i++) {
			const s = secret(`after-${i}`);
			after.push(s);
			(i % 2 ? conversationA : boardA).change((d) => void d.lines.push(s));
			(i % 2 ? conversationA : boardA).broadcast({ cursor: s });
			petrPeer.ws.send(JSON.stringify({ type: 'CANDIDATE', dst: 'tomas-t1', payload: { candidate: s, type: 'media', connectionId: 'mc_call' } }));
			tomasPeer.ws.send(JSON.stringify({ type: 'OFFER', dst: 'petr-p2', payload: { sdp: 'v=0', type: r.pick(['media', 'data']), connectionId: `mc_${i}`, metadata: { conversationId: conversationA.documentId } } }));
			const chunk = await fetch(`${relay.url}${filePath(conversationA.documentId, fileA.sha256, r.chance(0.5) ? 'chunks/0' : 'manifest')}`, { headers: { authorization: `Bearer ${token.tomas}` } });
			const body = Buffer.from(await chunk.arrayBuffer());
			record('removed: file request', !chunk.ok, chunk.ok || hasSecret(body) ? `status ${chunk.status}` : null);
			if (i % 10 === 0) tomasA.change((d) => void d.lines.push(`tomas still writing ${i}`));
		}
		// Anna, still a member, gets all of it: the relay did not just stop serving everyone.
		const anna = client('anna');
		const annaA = await anna.repo.find<Doc>(conversationA.url);
		await until(() => after.filter((_, i) => i % 2).every((s) => annaA.doc().lines.includes(s)), 10_000, 'anna has the changes');
		// Tomas asks again, on a fresh app too.
		raw.send({ type: 'request', senderId: 'tomas:raw', targetId: relayId, documentId: boardA.documentId, data: emptySync() });
		const fresh = client('tomas');
		const freshFind = await fresh.repo.find<Doc>(conversationA.url).then(
			() => 'ready',
			() => 'unavailable'
		);
		expect(freshFind).toBe('unavailable');
		await sleep(1000);

		const tomasText = JSON.stringify([tomasA.doc(), tomasBoard.doc()]);
		const rawAfter = Buffer.concat(raw.bytes.slice(rawFrom));
		const rawFramesAfter = raw.frames.slice(rawFrom).filter((f) => f.type !== 'doc-unavailable');
		const signalsAfter = tomasPeer.got.slice(peerFrom).filter((m) => m.type !== 'EXPIRE' && m.type !== 'LEAVE');
		for (const [i, s] of after.entries()) {
			const kind = i % 2 ? 'removed: document change' : 'removed: whiteboard change';
			record(kind, true, tomasText.includes(s) ? 'reached his app' : rawAfter.includes(s) ? 'reached his socket' : null);
			record('removed: live message', true, rawAfter.includes(s) ? 'reached his socket' : null);
			record('removed: call signal', true, signalsAfter.some((m) => JSON.stringify(m).includes(s)) ? 'candidate reached him' : null);
		}
		record('removed: sync frame', rawFramesAfter.length === 0, rawFramesAfter.length ? `${rawFramesAfter.length} frames` : null);
		const expired = tomasPeer.got.slice(peerFrom).filter((m) => m.type === 'EXPIRE').length;
		const offersReached = petrPeer.got.filter((m) => m.type === 'OFFER' && m.payload?.connectionId !== 'mc_call').length;
		for (let i = 0; i < 100; i++) record('removed: new call offer', expired === 100, offersReached > 0 ? `${offersReached} offers reached petr` : null);
		// His writes after the removal reach nobody.
		const writes = conversationA.doc().lines.filter((l) => l.startsWith('tomas still writing')).length;
		for (let i = 0; i < 10; i++) record('removed: write', writes === 0, writes ? `${writes} writes reached petr` : null);
		expect(signalsAfter).toEqual([]);
	}, 60_000);

	it('adds up: over 10,000 attempts, every one refused, nothing leaked', () => {
		const total = [...tally.values()].reduce((t, c) => t + c.attempts, 0);
		expect(total).toBeGreaterThanOrEqual(10_000);
		expect(leaks).toEqual([]);
		for (const [kind, c] of tally) expect({ kind, refused: c.refused }).toEqual({ kind, refused: c.attempts });
	});
});

describe('POST /api/conversations/:id/members/remove', () => {
	let id = '';
	beforeAll(async () => {
		id = guessedId(rand);
		const res = await api(relay.url, '/api/conversations', { token: token.anna, body: { documentId: id, kind: 'case', caseId: 'SC-1042', members: ['petr', 'tomas'] } });
		expect(res.status).toBe(201);
	});
	const remove = (who: string, body: unknown, conversation = id) => api(relay.url, `/api/conversations/${conversation}/members/remove`, { token: token[who], body });

	it('answers bad input with a 4xx JSON error and changes nothing', async () => {
		expect(await remove('anna', { remove: 'tomas' })).toMatchObject({ status: 400, body: { error: expect.any(String) } });
		expect(await remove('anna', {})).toMatchObject({ status: 400 });
		expect(await remove('anna', { remove: [] })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/at least one/) } });
		expect(await remove('anna', { remove: ['nobody'] })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/no person/) } });
		expect(await remove('anna', '{"remove": [')).toMatchObject({ status: 400 });
		expect(await remove('jan', { remove: ['jan'] })).toMatchObject({ status: 404 });
		expect(await remove('anna', { remove: ['tomas'] }, guessedId(rand))).toMatchObject({ status: 404 });
		// A customer may not remove others, not even their colleague.
		expect(await remove('anna', { remove: ['tomas'] })).toMatchObject({ status: 403, body: { error: expect.stringMatching(/cannot remove Tomáš Marek/) } });
		const list = await api(relay.url, '/api/conversations', { token: token.tomas });
		expect(list.body.find((c: { id: string }) => c.id === id).members.sort()).toEqual(['anna', 'petr', 'tomas']);
	});

	it('lets anyone leave, an engineer remove others, and keeps the last member', async () => {
		expect(await remove('tomas', { remove: ['tomas'] })).toMatchObject({ status: 200, body: { left: true } });
		expect((await remove('petr', { remove: ['anna'] })).body.members).toEqual(['petr']);
		expect(await remove('petr', { remove: ['petr'] })).toMatchObject({ status: 403, body: { error: expect.stringMatching(/at least one member/) } });
		const gone = await api(relay.url, '/api/conversations', { token: token.anna });
		expect(gone.body.some((c: { id: string }) => c.id === id)).toBe(false);
	});

	it('survives a restart: the journal keeps the removal', async () => {
		await relay.stop();
		relay = await startRelay({ dataDir: relay.dataDir, tokenTtlHours: TTL_HOURS }, { now: () => Date.now() + clockOffset });
		const list = await api(relay.url, '/api/conversations', { token: token.petr });
		expect(list.body.find((c: { id: string }) => c.id === id).members).toEqual(['petr']);
		const a = list.body.find((c: { id: string }) => c.id === conversationA.documentId);
		expect(a.members.sort()).toEqual(['anna', 'petr']);
	});
});
