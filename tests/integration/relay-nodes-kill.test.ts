// Three relay nodes (the compiled relay, each a child process, as `npm start` runs it) on one PostgreSQL, one Redis
// and one S3 bucket, behind a round-robin load balancer that skips a node refusing connections. Six clients write
// through the balancer, each into its own conversation, counting what the relay acknowledged; one node is killed with
// -9 mid-traffic. Its clients must be connected again (to another node) within 5 s, write on, and every acknowledged
// change must be there for a fresh client. No live delivery between nodes is needed for that: acknowledged means
// stored in PostgreSQL, and a node that has no copy of a document loads it from there (idle copies unload after 1 s).
import type { DocHandle } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { startBalancer, type TestBalancer } from '../helpers/balancer.ts';
import { petrsCaseChatWithAnna } from '../helpers/demo-conversation.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { api, login, spawnRelay, tempDataDir, type ChildRelay } from '../helpers/relay.ts';
import { startS3, type TestS3 } from '../helpers/s3-server.ts';
import { ourClient, removeDir, shutdownAll, sleep, until } from './sync-harness.ts';

const WRITERS = 6;
let postgres: TestPostgres;
let redis: TestRedis;
let s3: TestS3;
let balancer: TestBalancer | undefined;
const nodes: ChildRelay[] = [];
const clients: ClientRepo[] = [];
const dirs = Array.from({ length: 3 }, () => tempDataDir());

beforeAll(async () => {
	[postgres, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3()]);
}, 60_000);
afterAll(async () => {
	await shutdownAll(clients);
	await balancer?.close();
	await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
	await Promise.all([postgres?.close(), redis?.close(), s3?.close()]);
	dirs.forEach(removeDir);
});

const portOf = (url: string) => Number(new URL(url).port);
const text = (writer: number, n: number) => `Writer ${writer} reading ${n}`;

describe('several relay nodes behind a load balancer', () => {
	it('kill -9 of one node mid-traffic: its clients reconnect to another within 5 s and nothing acknowledged is lost', { timeout: 120_000 }, async () => {
		const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url, SYNC_IDLE_UNLOAD_SECONDS: '1', ...s3.env };
		nodes.push(await spawnRelay(dirs[0]!, env));
		// The conversations are registered before the other nodes start, so every node knows them from the database
		// without the directory's fan-out between nodes.
		const petr = await login(nodes[0]!.url, 'petr');
		const setup = ourClient(`${nodes[0]!.url.replace(/^http/, 'ws')}/sync`, 'petr', { token: petr.token });
		const urls: DocHandle<ConversationDoc>['url'][] = [];
		for (let i = 0; i < WRITERS; i++) {
			const handle = setup.repo.create<ConversationDoc>(petrsCaseChatWithAnna());
			const registered = await api(nodes[0]!.url, '/api/conversations', { token: petr.token, body: { documentId: handle.documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
			expect(registered.status).toBe(201);
			expect(await setup.delivery.whenDelivered(handle, 5000)).toBe(true);
			urls.push(handle.url);
		}
		await shutdownAll([setup]);
		nodes.push(...(await Promise.all([spawnRelay(dirs[1]!, env), spawnRelay(dirs[2]!, env)])));
		balancer = await startBalancer(nodes.map((node) => portOf(node.url)));
		const syncUrl = `${balancer.url.replace(/^http/, 'ws')}/sync`;

		// Petr and Anna, three devices each, every one through the balancer, writing one message after another.
		const tokens = { petr: (await login(balancer.url, 'petr')).token, anna: (await login(balancer.url, 'anna')).token };
		const writers = await Promise.all(
			urls.map(async (url, i) => {
				const user = i % 2 === 0 ? 'petr' : 'anna';
				const client = ourClient(syncUrl, user, { token: tokens[user] });
				clients.push(client);
				await until(() => client.connection.current.status === 'online', 10_000, `writer ${i} online`);
				return { client, user, handle: await client.repo.find<ConversationDoc>(url), acknowledged: 0, wentOffline: false };
			})
		);
		expect(new Set(balancer.live().keys()).size).toBe(3);
		let writing = true;
		const loops = writers.map(async (w, i) => {
			for (let n = 1; writing; n++) {
				w.handle.change((doc) => postMessage(doc, { id: asMessageId(`w${i}m${n}`), author: asUserId(w.user), at: Date.now(), text: text(i, n) }));
				if (await w.client.delivery.whenDelivered(w.handle, 1000)) w.acknowledged = n;
			}
		});
		await until(() => writers.every((w) => w.acknowledged >= 3), 20_000, 'three acknowledged messages from every writer');

		// The node with the most clients on it dies mid-traffic.
		const [victimPort] = [...balancer.live()].sort((a, b) => b[1] - a[1])[0]!;
		const victim = nodes.find((node) => portOf(node.url) === victimPort)!;
		const watching = writers.map((w) => w.client.connection.subscribe((s) => s.status !== 'online' && (w.wentOffline = true)));
		const before = writers.map((w) => w.acknowledged);
		await sleep(Math.random() * 200);
		const killedAt = Date.now();
		await victim.kill('SIGKILL');
		const moved = () => writers.filter((w) => w.wentOffline);
		await until(() => moved().length > 0, 2000, 'the killed node\'s clients to notice');
		await until(() => moved().every((w) => w.client.connection.current.status === 'online'), 5000 - (Date.now() - killedAt), 'the killed node\'s clients to be connected again');
		const reconnectedMs = Date.now() - killedAt;
		watching.forEach((stop) => stop());
		expect(balancer.live().has(victimPort)).toBe(false);
		// Everyone writes on, through the nodes left.
		await until(() => writers.every((w, i) => w.acknowledged > before[i]! + 1), 15_000, 'every writer acknowledged again after the kill');
		writing = false;
		await Promise.all(loops);
		console.info(`kill -9 of one of three nodes: ${moved().length} of ${WRITERS} clients were on it, all connected again ${reconnectedMs} ms after the kill`);

		// A fresh client, through the balancer, reads every acknowledged message of every writer.
		const reader = ourClient(syncUrl, 'anna', { token: tokens.anna });
		clients.push(reader);
		for (const [i, w] of writers.entries()) {
			const doc = (await reader.repo.find<ConversationDoc>(w.handle.url)).doc();
			const texts = new Set(doc.messages.map((m) => ('text' in m ? m.text : '')));
			const missing = Array.from({ length: w.acknowledged }, (_, n) => text(i, n + 1)).filter((t) => !texts.has(t));
			expect(missing, `writer ${i}`).toEqual([]);
		}
	});
});
