// Three relay nodes on one PostgreSQL and one Redis (this file's own servers), in this process, with the app's clients
// spread across them: a conversation converges for every member whichever node each is on, and live messages cross
// nodes; Redis killed mid-traffic and started again loses nothing, nor does a change whose publication was dropped
// while only the publishing connections were cut (no node sees an outage: the heads each node announces repair it);
// access is global and instant: a non-member gets
// nothing on any node, a member removed through one node is cut off on every node, and a token issued by one node is
// good on all until a password reset through another revokes it on all.
import { randomUUID } from 'node:crypto';
import type { DocHandle } from '@automerge/automerge-repo';
import * as Automerge from '@automerge/automerge';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { api, login, type TestRelay } from '../helpers/relay.ts';
import { startSharedServers, type SharedServers } from '../helpers/relay-nodes.ts';
import { signedInClient } from '../helpers/signed-in.ts';
import { joinFrame, rawSocket, shutdownAll, sleep, until, type RawSocket } from './sync-harness.ts';

let servers: SharedServers;
let nodes: TestRelay[] = [];
const clients: ClientRepo[] = [];
const sockets: RawSocket[] = [];

beforeAll(async () => {
	servers = await startSharedServers();
	nodes = await servers.startNodes(3, { metricsToken: METRICS_TOKEN });
}, 60_000);

const METRICS_TOKEN = 'relay-nodes-metrics-token';

/** One sample of a node's /metrics, as a scraper reads it. */
async function metric(node: TestRelay, name: string): Promise<number> {
	const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
	const line = text.split('\n').find((l) => l.startsWith(`${name} `));
	expect(line, `${name} in /metrics`).toBeDefined();
	return Number(line!.split(' ')[1]);
}

afterAll(async () => {
	for (const raw of sockets) raw.socket.terminate();
	await shutdownAll(clients);
	await servers?.close();
});

/** The app's client of `username`, signed in to node `n` and syncing with it. */
async function on(n: number, username: string): Promise<ClientRepo> {
	const client = await signedInClient(nodes[n]!.url, username);
	clients.push(client);
	return client;
}

/** Petr's new SC-1042 chat, registered through node `n` with these members; resolves once the node holds it. */
async function caseChat(n: number, petr: ClientRepo, members: string[]): Promise<DocHandle<ConversationDoc>> {
	const handle = petr.repo.create<ConversationDoc>(petrsCaseChatWithAnna());
	const { token } = await login(nodes[n]!.url, 'petr');
	const registered = await api(nodes[n]!.url, '/api/conversations', { token, body: { documentId: handle.documentId, kind: 'case', caseId: 'SC-1042', members } });
	expect(registered.status).toBe(201);
	expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
	return handle;
}

const post = (handle: DocHandle<ConversationDoc>, author: string, text: string) =>
	handle.change((doc) => postMessage(doc, { id: asMessageId(`m-${randomUUID()}`), author: asUserId(author), at: Date.now(), text }));
const texts = (handle: DocHandle<ConversationDoc>) => new Set<string>(handle.isReady() ? handle.doc().messages.map((m) => ('text' in m ? m.text : '')) : []);
const sameHeads = (handles: DocHandle<ConversationDoc>[]) => handles.every((h) => h.heads().slice().sort().join() === handles[0]!.heads().slice().sort().join());
const heard = (handle: DocHandle<unknown>) => {
	const messages: unknown[] = [];
	handle.on('ephemeral-message', ({ message }) => messages.push(message));
	return messages;
};

describe('three relay nodes', () => {
	it('bring a conversation to every member whichever node each is on, live messages included', { timeout: 30_000 }, async () => {
		const [petr, anna, tomas] = await Promise.all([on(0, 'petr'), on(1, 'anna'), on(2, 'tomas')]);
		const chat = await caseChat(0, petr, ['anna', 'tomas']);
		// Registered through node 0; nodes 1 and 2 serve it once they heard (a notice on the bus, not a poll).
		const registeredAt = Date.now();
		await until(() => nodes.every((node) => node.server.store.conversation(chat.documentId)), 5000, 'every node knows the conversation');
		const knownAfterMs = Date.now() - registeredAt;
		const handles = [chat, await anna.repo.find<ConversationDoc>(chat.url), await tomas.repo.find<ConversationDoc>(chat.url)];

		// One change on node 0 reaches the members on nodes 1 and 2.
		post(chat, 'petr', 'Wire broke at 14:02');
		await until(() => handles.every((h) => texts(h).has('Wire broke at 14:02')), 5000, 'the first message everywhere');

		// Everyone writes at once, each through their own node: all end with every message and the same heads.
		const people = ['petr', 'anna', 'tomas'];
		for (let i = 0; i < 20; i++) handles.forEach((h, k) => post(h, people[k]!, `${people[k]} ${i}`));
		const all = people.flatMap((p) => Array.from({ length: 20 }, (_, i) => `${p} ${i}`));
		await until(() => handles.every((h) => all.every((t) => texts(h).has(t))) && sameHeads(handles), 10_000, 'every message with every member');

		// Live messages (pointers, strokes being drawn, who is in a call) cross nodes too, both ways.
		const [byPetr, byAnna, byTomas] = handles.map(heard);
		chat.broadcast({ pointer: { x: 10, y: 20 } });
		handles[1]!.broadcast({ pointer: { x: 30, y: 40 } });
		await until(() => byAnna!.length > 0 && byTomas!.some((m) => JSON.stringify(m).includes('"x":30')) && byPetr!.length > 0, 5000, 'live messages on every node');
		expect(byAnna).toContainEqual({ pointer: { x: 10, y: 20 } });
		expect(byPetr).toContainEqual({ pointer: { x: 30, y: 40 } });
		console.log(`relay-nodes: the conversation known on every node ${knownAfterMs} ms after registering`);
	});

	it('converge after Redis was killed mid-traffic and came back', { timeout: 40_000 }, async () => {
		const [petr, anna, tomas] = await Promise.all([on(0, 'petr'), on(1, 'anna'), on(2, 'tomas')]);
		const chat = await caseChat(0, petr, ['anna', 'tomas']);
		await until(() => nodes.every((node) => node.server.store.conversation(chat.documentId)), 5000, 'every node knows the conversation');
		const handles = [chat, await anna.repo.find<ConversationDoc>(chat.url), await tomas.repo.find<ConversationDoc>(chat.url)];
		const people = ['petr', 'anna', 'tomas'];
		const written: string[] = [];
		let writing = true;
		const writers = handles.map(async (handle, k) => {
			for (let i = 0; writing; i++) {
				post(handle, people[k]!, `${people[k]} ${i}`);
				written.push(`${people[k]} ${i}`);
				await sleep(15 + k * 5);
			}
		});
		await sleep(300);
		await servers.redis.stop();
		// While Redis is away, each node still takes its own clients' changes, and keeps them from the other nodes.
		post(chat, 'petr', 'During the outage');
		await until(() => texts(chat).has('During the outage'), 5000, "Petr's own message");
		await sleep(800);
		expect(texts(handles[1]!).has('During the outage')).toBe(false);
		await servers.redis.start();
		await sleep(500);
		writing = false;
		await Promise.all(writers);
		const started = Date.now();
		await until(() => handles.every((h) => [...written, 'During the outage'].every((t) => texts(h).has(t))) && sameHeads(handles), 20_000, 'every message with every member after the outage');
		console.log(`relay-nodes: ${written.length} messages written across a Redis outage of ~1 s; converged ${Date.now() - started} ms after writing stopped`);
		// What an operator's dashboard shows of it: Petr's node dropped what it said during the outage, and is back.
		expect(await metric(nodes[0]!, 'caseroom_node_bus_connected')).toBe(1);
		expect(await metric(nodes[0]!, 'caseroom_node_bus_dropped_total')).toBeGreaterThanOrEqual(1);
		expect(await metric(nodes[0]!, 'caseroom_node_bus_resumed_total')).toBeGreaterThanOrEqual(1);
		expect(await metric(nodes[1]!, 'caseroom_node_bus_received_total')).toBeGreaterThan(0);
		expect(await metric(nodes[1]!, 'caseroom_node_bus_published_total')).toBeGreaterThan(0);
	});

	it('repair a change whose publication was dropped while only the publishing connections were cut', { timeout: 30_000 }, async () => {
		const [petr, anna] = await Promise.all([on(0, 'petr'), on(1, 'anna')]);
		const chat = await caseChat(0, petr, ['anna']);
		await until(() => nodes.every((node) => node.server.store.conversation(chat.documentId)), 5000, 'every node knows the conversation');
		const annas = await anna.repo.find<ConversationDoc>(chat.url);
		post(chat, 'petr', 'Before the cut');
		await until(() => texts(annas).has('Before the cut'), 5000, 'the first message on node 1');

		// Every node's publishing connection is closed and may not come back; the subscriptions stay up, so no node
		// sees an outage (nothing calls for a repair) and what node 0 publishes now is dropped.
		const admin = new Redis(servers.redis.url);
		try {
			const publishers = String(await admin.client('LIST'))
				.split('\n')
				.filter((line) => / name=caseroom-pub-/.test(line))
				.map((line) => /^id=(\d+)/.exec(line)![1]!);
			expect(publishers).toHaveLength(nodes.length);
			for (const id of publishers) await admin.client('KILL', 'ID', id);
			const connected = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))![1]);
			await admin.config('SET', 'maxclients', String(connected));
			post(chat, 'petr', 'While nobody could publish');
			await until(() => texts(chat).has('While nobody could publish'), 5000, "Petr's own message");
			await sleep(1000);
			expect(texts(annas).has('While nobody could publish')).toBe(false);
			await admin.config('SET', 'maxclients', '10000');
		} finally {
			admin.disconnect();
		}
		const started = Date.now();
		await until(() => texts(annas).has('While nobody could publish') && sameHeads([chat, annas]), 10_000, 'the dropped change on node 1');
		console.log(`relay-nodes: a change dropped on the way reached node 1 ${Date.now() - started} ms after publishing was possible again`);
	});

	it('give a non-member nothing on any node, and cut off a removed member and a revoked token on every node', { timeout: 30_000 }, async () => {
		const petr = await on(0, 'petr');
		const annas = await Promise.all([on(1, 'anna'), on(2, 'anna')]);
		const tomas = await on(2, 'tomas');
		const chat = await caseChat(0, petr, ['anna', 'tomas']);
		await until(() => nodes.every((node) => node.server.store.conversation(chat.documentId)), 5000, 'every node knows the conversation');
		const annaHandles = await Promise.all(annas.map((a) => a.repo.find<ConversationDoc>(chat.url)));
		const tomasHandle = await tomas.repo.find<ConversationDoc>(chat.url);
		const heardByAnna = annaHandles.map(heard);
		const heardByTomas = heard(tomasHandle);

		// Eva (GFMS, not a member) asks every node for it, on a socket of her own, and stays connected.
		const eva = await login(nodes[0]!.url, 'eva');
		const evas = await Promise.all(
			nodes.map(async (node, n) => {
				const raw = rawSocket(`${node.url.replace(/^http/, 'ws')}/sync`, eva.token);
				sockets.push(raw);
				await raw.opened;
				raw.send(joinFrame(`eva:n${n}`));
				await until(() => raw.frames.some((f) => f.type === 'peer'), 5000, `Eva joined node ${n}`);
				const relayId = raw.frames.find((f) => f.type === 'peer')!.senderId;
				const data = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!;
				raw.send({ type: 'request', senderId: `eva:n${n}`, targetId: relayId, documentId: chat.documentId, data });
				return raw;
			})
		);
		await until(() => evas.every((raw) => raw.frames.some((f) => f.type === 'doc-unavailable')), 5000, 'Eva told "unavailable" by every node');

		// Petr removes Anna through node 0: her devices on nodes 1 and 2 get nothing more, neither changes nor live ones.
		const removed = await api(nodes[0]!.url, `/api/conversations/${chat.documentId}/members/remove`, { token: (await login(nodes[0]!.url, 'petr')).token, body: { remove: ['anna'] } });
		expect(removed.status).toBe(200);
		await until(() => nodes.every((node) => !node.server.store.mayRead(asUserId('anna'), chat.documentId)), 5000, 'every node knows Anna was removed');
		post(chat, 'petr', 'After Anna left');
		chat.broadcast({ pointer: 'after Anna left' });
		await until(() => texts(tomasHandle).has('After Anna left') && heardByTomas.some((m) => JSON.stringify(m).includes('after Anna left')), 5000, 'Tomáš (node 2) hears it');
		await sleep(300);
		for (const handle of annaHandles) expect(texts(handle).has('After Anna left')).toBe(false);
		for (const messages of heardByAnna) expect(JSON.stringify(messages)).not.toContain('after Anna left');
		for (const raw of evas) {
			expect(raw.frames.filter((f) => f.documentId === chat.documentId).map((f) => f.type)).toEqual(['doc-unavailable']);
			expect(Buffer.concat(raw.bytes).includes('After Anna left')).toBe(false);
		}

		// Tomáš's token, issued by node 2, is good on every node; a password reset through node 0 revokes it on every
		// node and closes his sync socket on node 2 at once.
		const tomasToken = (await login(nodes[2]!.url, 'tomas')).token;
		for (const node of nodes) expect((await api(node.url, '/api/me', { token: tomasToken })).status).toBe(200);
		const admin = (await login(nodes[1]!.url, 'admin')).token;
		expect((await api(nodes[0]!.url, '/api/admin/people/tomas/password', { token: admin, body: { password: 'a new long password 1' } })).status).toBe(200);
		await until(() => tomas.connection.current.status !== 'online', 5000, "Tomáš's socket on node 2 closed");
		for (const node of nodes) expect((await api(node.url, '/api/me', { token: tomasToken })).status).toBe(401);
	});
});
