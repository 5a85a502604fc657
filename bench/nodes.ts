// Several relay nodes (issue 18), compiled relays as child processes on one PostgreSQL and one Redis of this run's own:
// - what crossing nodes costs a call's signalling: an OFFER from a peer on node A to a peer on node B (through Redis,
//   both gates), against the same OFFER to a peer on node A itself;
// - how long a node's death keeps its clients away: kill -9 of the node with the most clients behind a round-robin
//   balancer over three nodes, until every client that was on it is online again, against what one relay gives
//   (killed -9 and restarted at once on the same port, as systemd's Restart=always would).
import { WebSocket } from 'ws';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { rmSync } from 'node:fs';
import { createClientRepo, type ClientRepo } from '../src/lib/sync/client-repo.ts';
import { startBalancer } from '../tests/helpers/balancer.ts';
import { freePort } from '../tests/helpers/local-server.ts';
import { offerFrame, peerSocket } from '../tests/helpers/peer-socket.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { startRedis } from '../tests/helpers/redis.ts';
import { api, login, spawnRelay, tempDataDir, type ChildRelay } from '../tests/helpers/relay.ts';
import { allOf, atMost, figure, noGoal, ratioAtMost, type BenchGroup, type Figure } from './lib/figure.ts';
import { percentile, until } from './lib/stats.ts';

const CLIENTS = 6;
const BACKOFF = { initialMs: 50, maxMs: 400 };

export const nodes: BenchGroup = {
	name: 'Several relay nodes: signalling across nodes, a node killed',
	async run({ quick, log }) {
		const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
		const children: ChildRelay[] = [];
		const dirs: string[] = [];
		const clients: ClientRepo[] = [];
		const node = async (env: Record<string, string>, port = 0) => {
			const dir = tempDataDir('caseroom-bench-');
			dirs.push(dir);
			const child = await spawnRelay(dir, { ...env, PORT: String(port) });
			children.push(child);
			return child;
		};
		try {
			const env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url };
			const ports = await Promise.all([freePort(), freePort(), freePort()]);
			const a = await node(env, ports[0]);
			const petr = await login(a.url, 'petr');
			const anna = await login(a.url, 'anna');
			const conversationId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
			await api(a.url, '/api/conversations', { token: petr.token, body: { documentId: conversationId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
			// Started after the registration: it knows the conversation from the database.
			const [b, c] = await Promise.all([node(env, ports[1]), node(env, ports[2])]);

			log('signalling: OFFER to a peer on the same node and on another…');
			const ws = (relay: ChildRelay) => relay.url.replace(/^http/, 'ws');
			const caller = await peerSocket(ws(a), 'anna-bench', anna.token);
			const near = await peerSocket(ws(a), 'petr-near', petr.token);
			const far = await peerSocket(ws(b), 'petr-far', petr.token);
			const samples = { near: [] as number[], far: [] as number[] };
			for (let i = 0; i < (quick ? 30 : 300); i++)
				for (const [kind, callee] of [['near', near], ['far', far]] as const) {
					const started = performance.now();
					caller.send(offerFrame(kind === 'near' ? 'petr-near' : 'petr-far', `mc_${kind}${i}`, conversationId));
					await callee.next('OFFER');
					samples[kind].push(performance.now() - started);
				}
			for (const s of [caller, near, far]) s.ws.close();
			const note = 'baseline: the same OFFER to a peer on the caller’s own node';
			const figures: Figure[] = [
				figure('nodes: OFFER to a peer on another node, p50', percentile(samples.far, 50), 'ms', percentile(samples.near, 50), allOf(atMost(5), ratioAtMost(4)), note),
				figure('nodes: OFFER to a peer on another node, p99', percentile(samples.far, 99), 'ms', percentile(samples.near, 99), noGoal, note)
			];

			log('failover: kill -9 of one of three nodes behind the balancer…');
			const balancer = await startBalancer(ports);
			const connect = (url: string) => {
				const client = createClientRepo({ url: `${url.replace(/^http/, 'ws')}/sync`, token: petr.token, userId: 'petr', webSocket: WebSocket, backoff: BACKOFF });
				clients.push(client);
				return client;
			};
			/** Kills `victim` once its clients are online; ms until every client that went offline is online again. */
			const away = async (group: ClientRepo[], kill: () => Promise<void>) => {
				await until(() => group.every((cl) => cl.connection.current.status === 'online'), 10_000, 'clients online');
				const left = new Set<ClientRepo>();
				const stops = group.map((cl) => cl.connection.subscribe((s) => s.status !== 'online' && left.add(cl)));
				const started = performance.now();
				await kill();
				await until(() => left.size > 0 && [...left].every((cl) => cl.connection.current.status === 'online'), 30_000, 'clients back online');
				stops.forEach((stop) => stop());
				return performance.now() - started;
			};
			const behind = Array.from({ length: CLIENTS }, () => connect(balancer.url));
			await until(() => balancer.live().size === 3, 10_000, 'a client on every node');
			const [victimPort] = [...balancer.live()].sort((x, y) => y[1] - x[1])[0]!;
			const failoverMs = await away(behind, () => children.find((child) => child.url.endsWith(`:${victimPort}`))!.kill('SIGKILL'));
			await balancer.close();
			for (const child of [a, b, c]) await child.kill('SIGKILL');

			log('baseline: one relay killed -9 and restarted at once on the same port…');
			const port = await freePort();
			const solo = await node(env, port);
			const direct = Array.from({ length: CLIENTS }, () => connect(solo.url));
			const restartMs = await away(direct, async () => {
				await solo.kill('SIGKILL');
				await node(env, port);
			});
			figures.push(
				figure('nodes: kill -9 of a node → its clients online again', failoverMs, 'ms', restartMs, allOf(atMost(5000), ratioAtMost(1)), 'baseline: one relay killed -9 and restarted at once on the same port')
			);
			return figures;
		} finally {
			await Promise.all(clients.map((cl) => cl.shutdown()));
			await Promise.all(children.map((child) => child.kill('SIGKILL')));
			await Promise.all([postgres.close(), redis.close()]);
			for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
		}
	}
};
