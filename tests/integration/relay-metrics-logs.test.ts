// What an operator sees of a running relay: /metrics scraped by Prometheus while people sign in, chat and share a file
// (the counters move; nothing in it names a person, a token or a message), /metrics refused to anyone without
// METRICS_TOKEN, and the log of all that: JSON lines with a connection or request id, and never a token, a password or
// a message's text, even when a client puts its token in a URL or sends a wrong one.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { postMessage } from '../../src/lib/model/conversation.ts';
import { CHUNK_SIZE } from '../../src/lib/model/file-manifest.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';
import { expectCleanLog, rememberSecret } from '../helpers/relay-log.ts';
import { registeredCaseChat, signedInClient } from '../helpers/signed-in.ts';
import { shutdownAll, until } from './sync-harness.ts';

const METRICS_TOKEN = `scrape-${randomBytes(16).toString('hex')}`;
/** What a careless log would leak: it is in every message Petr sends. */
const MESSAGE_TEXT = `the cabinet code is ${randomUUID()}`;
const WRONG_PASSWORD = `wrong-${randomUUID()}`;
/** Sent 120 ms apart: the client sends a change at once when its last send is over 100 ms old, else it batches. */
const MESSAGES = 12;

let relay: TestRelay;
let bare: TestRelay;
const clients: ClientRepo[] = [];

beforeAll(async () => {
	[relay, bare] = await Promise.all([startRelay({ metricsToken: METRICS_TOKEN }), startRelay()]);
	rememberSecret(METRICS_TOKEN);
	rememberSecret(WRONG_PASSWORD);
});
afterAll(async () => {
	await shutdownAll(clients);
	await Promise.all([relay?.close(), bare?.close()]);
});

/** Prometheus' text format as a map from `name{labels}` to value; fails on a line that is neither a sample nor a comment. */
function parse(text: string): Map<string, number> {
	const samples = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
		const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
		expect(match, `a sample line: ${line}`).not.toBeNull();
		samples.set(match![1]!, Number(match![2]));
	}
	return samples;
}

async function scrape(): Promise<{ text: string; samples: Map<string, number> }> {
	const res = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
	const text = await res.text();
	return { text, samples: parse(text) };
}

const value = (samples: Map<string, number>, key: string) => {
	expect(samples.has(key), `${key} in /metrics`).toBe(true);
	return samples.get(key)!;
};

it('answers /metrics only to the bearer of METRICS_TOKEN, and 404 without one configured', async () => {
	const at = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/metrics`, { headers });
	const wrong: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token-at-all' }, { authorization: `Bearer ${METRICS_TOKEN}x` }, { authorization: METRICS_TOKEN }];
	for (const headers of wrong) {
		const res = await at(relay.url, headers);
		expect(res.status).toBe(401);
		expect(await res.text()).toBe('');
	}
	const unconfigured = await at(bare.url, { authorization: `Bearer ${METRICS_TOKEN}` });
	expect(unconfigured.status).toBe(404);
	expect(await unconfigured.text()).toBe('');
	expect((await at(relay.url, { authorization: `bearer ${METRICS_TOKEN}` })).status).toBe(200);
});

it('counts sign-ins, changes, deliveries, connections and file bytes while people work, and names nobody', async () => {
	const before = (await scrape()).samples;

	// A wrong password, a throttled name, a bad token on the API and on both sockets, a token put in a plain URL.
	expect((await api(relay.url, '/api/login', { body: { username: 'jan', password: WRONG_PASSWORD } })).status).toBe(401);
	expect((await api(relay.url, '/api/me', { token: 'eyJzdWIiOiJmb3JnZWQifQ.not-a-real-signature-at-all' })).status).toBe(401);
	const badSocket = await refusedStatus(`${relay.wsUrl}/sync?token=not-a-token-${randomUUID()}`);
	expect(badSocket).toBe(401);
	const petrSession = await login(relay.url, 'petr');
	expect((await fetch(`${relay.url}/sync?token=${petrSession.token}`)).status).toBe(426);
	expect(await refusedStatus(`${relay.wsUrl}/peerjs/peerjs?key=peerjs&id=anna-x1&token=${petrSession.token}`)).toBe(401);

	// Petr and Anna chat; a scrape in the middle sees both connected, one of them also on call signalling.
	const petr = await signedInClient(relay.url, 'petr');
	const anna = await signedInClient(relay.url, 'anna');
	clients.push(petr, anna);
	const annaSession = await login(relay.url, 'anna');
	const signalling = new WebSocket(`${relay.wsUrl}/peerjs/peerjs?key=peerjs&id=anna-${randomBytes(4).toString('hex')}&token=${annaSession.token}`);
	await new Promise((resolve, reject) => signalling.once('message', resolve).once('error', reject));
	const chat = await registeredCaseChat(relay.url, petr);
	const annasChat = await anna.repo.find<ConversationDoc>(chat.url);
	let during: Map<string, number> | undefined;
	for (let i = 0; i < MESSAGES; i++) {
		chat.change((doc) => postMessage(doc, { id: asMessageId(`m-${i}`), author: asUserId('petr'), at: Date.now(), text: `${MESSAGE_TEXT} (${i})` }));
		if (i === MESSAGES / 2) during = (await scrape()).samples;
		await new Promise((resolve) => setTimeout(resolve, 120));
	}
	await until(() => annasChat.doc().messages.length === MESSAGES + 1, 10_000, 'every message at Anna');
	expect(value(during!, 'caseroom_connections{kind="sync"}')).toBeGreaterThanOrEqual(2);
	expect(value(during!, 'caseroom_connections{kind="peerjs"}')).toBe(1);
	expect(value(during!, 'caseroom_documents_in_memory')).toBeGreaterThanOrEqual(1);
	expect(value(during!, 'caseroom_sync_peer_documents')).toBeGreaterThanOrEqual(2);
	signalling.close();

	// A file through the relay: one chunk up, the same chunk down.
	const bytes = randomBytes(CHUNK_SIZE / 2);
	const sha = createHash('sha256').update(bytes).digest('hex');
	const conversation = parseAutomergeUrl(generateAutomergeUrl()).documentId;
	expect((await api(relay.url, '/api/conversations', { token: petrSession.token, body: { documentId: conversation, kind: 'case', caseId: 'SC-1042', members: ['anna'] } })).status).toBe(201);
	const file = `/api/conversations/${conversation}/files/${sha}`;
	expect((await api(relay.url, `${file}/manifest`, { token: petrSession.token, body: { sha256: sha, size: bytes.length, chunkSize: CHUNK_SIZE, chunks: [sha] } })).status).toBe(200);
	const auth = { authorization: `Bearer ${petrSession.token}` };
	expect((await fetch(`${relay.url}${file}/chunks/0`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: bytes })).status).toBe(201);
	expect((await fetch(`${relay.url}${file}/chunks/0`, { headers: { authorization: `Bearer ${annaSession.token}` } })).status).toBe(200);

	const { text, samples: after } = await scrape();
	const moved = (key: string) => value(after, key) - value(before, key);
	expect(moved('caseroom_sign_ins_total{outcome="wrong"}')).toBe(1);
	expect(moved('caseroom_sign_ins_total{outcome="ok"}')).toBeGreaterThanOrEqual(4);
	// A round is the changes the relay made durable together; on a busy machine two messages may share one.
	const rounds = moved('caseroom_sync_delivery_seconds_count');
	expect(rounds).toBeGreaterThanOrEqual(MESSAGES / 2);
	expect(moved('caseroom_sync_changes_received_total')).toBeGreaterThanOrEqual(rounds);
	// Every round's changes are acknowledged to Petr and passed on to Anna.
	expect(moved('caseroom_sync_deliveries_total')).toBeGreaterThanOrEqual(2 * rounds);
	expect(value(after, 'caseroom_sync_delivery_seconds_bucket{le="+Inf"}')).toBe(value(after, 'caseroom_sync_delivery_seconds_count'));
	expect(moved('caseroom_document_log_flush_seconds_count')).toBeGreaterThanOrEqual(1);
	expect(value(after, 'caseroom_document_log_flush_failures_total')).toBe(0);
	expect(moved('caseroom_file_bytes_total{direction="in"}')).toBe(bytes.length);
	expect(moved('caseroom_file_bytes_total{direction="out"}')).toBe(bytes.length);
	expect(value(after, 'caseroom_refused_total{kind="http",status="401"}')).toBeGreaterThanOrEqual(2);
	expect(value(after, 'caseroom_refused_total{kind="sync",status="401"}')).toBe(1);
	expect(value(after, 'caseroom_refused_total{kind="peerjs",status="401"}')).toBe(1);
	expect(value(after, 'caseroom_sync_states')).toBeGreaterThanOrEqual(1);
	// A single node has no bus to the others: no node_bus metric to alert on.
	expect([...after.keys()].filter((key) => key.startsWith('caseroom_node_bus_'))).toEqual([]);
	expect(value(after, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
	expect(after.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);

	// Nothing in it says who, what or with which secret.
	for (const secret of [METRICS_TOKEN, petrSession.token, annaSession.token, WRONG_PASSWORD, MESSAGE_TEXT, 'petr', 'anna', 'jan', chat.documentId, conversation, sha])
		expect(text).not.toContain(secret);

	// The log of all this: JSON lines, ids on the lines about sockets and requests, no secret and no message text.
	const lines = relay.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
	expectCleanLog(relay.logLines, [MESSAGE_TEXT, METRICS_TOKEN, WRONG_PASSWORD, petrSession.token, annaSession.token]);
	const withMessage = (msg: string) => lines.filter((line) => line.msg === msg);
	expect(withMessage('Sync socket opened').length).toBeGreaterThanOrEqual(2);
	for (const line of withMessage('Sync socket opened')) expect(line).toMatchObject({ level: 'debug', conn: expect.stringMatching(/^s/), user: expect.any(String) });
	expect(withMessage('Refusing a sync socket: no valid token')).toEqual([expect.objectContaining({ level: 'info', conn: expect.stringMatching(/^s/), status: 401 })]);
	expect(withMessage('Refusing a PeerJS socket: no valid token, or a peer id not its own')).toEqual([expect.objectContaining({ conn: expect.stringMatching(/^p/) })]);
	expect(withMessage('PeerJS socket opened')).toEqual([expect.objectContaining({ conn: expect.stringMatching(/^p/), user: 'anna' })]);
	const requests = lines.filter((line) => String(line.msg).startsWith('HTTP request'));
	expect(requests.length).toBeGreaterThan(10);
	for (const line of requests) expect(line).toMatchObject({ req: expect.stringMatching(/^r/), method: expect.any(String), path: expect.stringMatching(/^\//), status: expect.any(Number) });
	expect(requests).toContainEqual(expect.objectContaining({ path: '/api/login', status: 401, level: 'info' }));
	expect(requests).toContainEqual(expect.objectContaining({ path: '/sync', status: 426 }));
	expect(new Set(requests.map((line) => line.req)).size).toBe(requests.length);
});

/** Opens a WebSocket and resolves with the HTTP status it was refused with. */
function refusedStatus(url: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode!);
			ws.terminate();
		});
		ws.on('open', () => reject(new Error(`${url.split('?')[0]} accepted the socket`)));
		ws.on('error', () => {});
	});
}
