// Dead links: how long a stalled connection (open, no byte passing either way, as a tablet whose Wi-Fi roamed away)
// goes unnoticed, and what noticing it costs an idle relay. Each relay in its own process; each client reaches it
// through its own fault proxy, which stalls the link at a random moment of the heartbeat's cycle. Baseline: the stock
// automerge-repo relay (WebSocketServerAdapter: a ping every 5 s, dropped after one missed pong) with stock clients,
// which have no heartbeat at all (a stalled stock client waits for TCP to give up: many minutes).
import { type PeerId } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { cbor } from '@automerge/automerge-repo';
import { WebSocket } from 'ws';
import { RelayClientAdapter } from '../src/lib/sync/websocket-client-adapter.ts';
import { startFaultProxy, type FaultProxy } from '../tests/helpers/fault-proxy.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { cpuMs } from './lib/proc.ts';
import { startRelay, type BenchRelay, type RelayKind } from './lib/relays.ts';
import { percentile, sleep } from './lib/stats.ts';

export const deadLink: BenchGroup = {
	name: 'Dead links',
	async run({ quick, log }) {
		const trials = quick ? 3 : 10;
		const idle = quick ? 100 : 500;
		const idleMs = quick ? 6000 : 20_000;
		const relays = { caseroom: await startRelay('caseroom'), stock: await startRelay('stock') };
		try {
			log(`${trials} stalled links per relay…`);
			const [ours, stock] = await Promise.all([relayNotices(relays.caseroom, trials), relayNotices(relays.stock, trials)]);
			log(`the app on ${trials} stalled links…`);
			const app = await appNotices(relays.caseroom, trials);
			log(`${idle} idle connections per relay, ${idleMs / 1000} s…`);
			const costOurs = await idleCost(relays.caseroom, idle, idleMs);
			const costStock = await idleCost(relays.stock, idle, idleMs);
			return [
				figure(`dead link: the relay drops a stalled socket, worst of ${trials}`, Math.max(...ours), 'ms', Math.max(...stock), atMost(5000)),
				figure('dead link: the relay drops a stalled socket, median', percentile(ours, 50), 'ms', percentile(stock, 50), noGoal),
				figure(`dead link: the app notices a stalled link, worst of ${trials}`, Math.max(...app), 'ms', null, atMost(5000), 'a stock client has no heartbeat: it waits for TCP'),
				figure(`dead link: relay CPU for ${idle} idle connections, % of one core`, costOurs, 'count', costStock, noGoal, 'ours: a join every 2 s from each app and its answer; stock: a ping every 5 s')
			];
		} finally {
			await Promise.all([relays.caseroom.stop(), relays.stock.stop()]);
		}
	}
};

/** A connection through its own proxy that joined the relay, stalled at a random moment; ms until the relay dropped it. */
async function relayNotices(relay: BenchRelay, trials: number): Promise<number[]> {
	return Promise.all(
		Array.from({ length: trials }, async (_, i) => {
			const proxy = await startFaultProxy(Number(new URL(relay.url).port), { seed: i + 1 });
			try {
				// A bare socket: it answers pings (ws does) and nothing else, like an idle stock client.
				const socket = new WebSocket(`ws://127.0.0.1:${proxy.port}/sync?token=t-dead${i}`);
				socket.on('error', () => {});
				await new Promise((resolve) => socket.once('open', resolve));
				socket.send(cbor.encode({ type: 'join', senderId: `dead${i}:bench`, peerMetadata: {}, supportedProtocolVersions: ['1'] }));
				await sleep(1000 + Math.random() * 5000); // anywhere in either relay's keepalive cycle
				proxy.stallAll();
				const stalledAt = Date.now();
				await until(() => proxy.counts().closedByTarget > 0, 60_000);
				socket.terminate();
				return Date.now() - stalledAt;
			} finally {
				await proxy.close();
			}
		})
	);
}

/** The app's adapter through a proxy, stalled at a random moment of its heartbeat; ms until it reports offline. */
async function appNotices(relay: BenchRelay, trials: number): Promise<number[]> {
	return Promise.all(
		Array.from({ length: trials }, async (_, i) => {
			const proxy: FaultProxy = await startFaultProxy(Number(new URL(relay.url).port), { seed: 100 + i });
			const adapter = new RelayClientAdapter({ url: `ws://127.0.0.1:${proxy.port}/sync`, token: `t-app${i}`, webSocket: WebSocket });
			try {
				adapter.connect(`app${i}:bench` as PeerId, {});
				await until(() => adapter.connection.current.status === 'online', 10_000);
				await sleep(1000 + Math.random() * 2000);
				proxy.setProfile({ resetRate: 1, faultWithinMs: 0 }); // the network is gone for new connections too
				proxy.stallAll();
				const stalledAt = Date.now();
				await until(() => adapter.connection.current.status !== 'online', 60_000);
				return Date.now() - stalledAt;
			} finally {
				adapter.disconnect();
				await proxy.close();
			}
		})
	);
}

/** Relay CPU, % of one core, while `count` connected clients of its kind sit idle for `ms`. */
async function idleCost(relay: BenchRelay, count: number, ms: number): Promise<number> {
	const adapters = Array.from({ length: count }, (_, i) => connectIdle(relay.kind, relay.url, `idle${i}`));
	try {
		await sleep(3000); // connected and past the first beats
		const before = cpuMs(relay.pid);
		await sleep(ms);
		return ((cpuMs(relay.pid) - before) / ms) * 100;
	} finally {
		for (const adapter of adapters) adapter.disconnect();
	}
}

/** A client's network adapter alone (no Repo, no documents): only its heartbeat, or the relay's pings, move. */
function connectIdle(kind: RelayKind, url: string, user: string): { disconnect(): void } {
	const adapter =
		kind === 'caseroom' ? new RelayClientAdapter({ url, token: `t-${user}`, webSocket: WebSocket }) : new WebSocketClientAdapter(url);
	adapter.connect(`${user}:idle` as PeerId, {});
	return adapter;
}

async function until(test: () => boolean, timeoutMs: number): Promise<void> {
	const start = Date.now();
	while (!test()) {
		if (Date.now() - start > timeoutMs) throw new Error('timed out');
		await sleep(10);
	}
}
