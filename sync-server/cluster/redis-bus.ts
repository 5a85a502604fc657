// The node bus on Redis pub/sub (REDIS_URL): one connection publishes, one subscribes (a subscribed Redis connection
// can do nothing else). Topics are channels `caseroom:<topic>`; each message starts with the sender's node id.
// While Redis is away, publishing drops at once rather than queueing without bound (receivers repair from the
// database), and ioredis reconnects and subscribes again by itself; `onResumed` then tells the users to repair.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { errorField, silentLog, type Log } from '../ops/log.ts';
import { frameBusMessage, NODE_ID_LENGTH, parseBusMessage, type BusHandler, type NodeBus, type NodeBusStats } from './node-bus.ts';

const CHANNEL_PREFIX = 'caseroom:';
/** Reconnect attempts are spaced 100 ms more each time, up to this. */
const RECONNECT_MAX_MS = 1000;

export interface RedisBusOptions {
	url: string;
	log?: Log;
}

export async function openRedisBus(options: RedisBusOptions): Promise<NodeBus> {
	const log = options.log ?? silentLog;
	const nodeId = randomBytes(NODE_ID_LENGTH / 2).toString('hex');
	const connection = (role: string, queueWhileDown: boolean) =>
		new Redis(options.url, {
			connectionName: `caseroom-${role}-${nodeId}`,
			lazyConnect: true,
			enableOfflineQueue: queueWhileDown,
			// A command waits for the connection rather than failing after a few retries (subscribe while away).
			maxRetriesPerRequest: queueWhileDown ? null : 1,
			retryStrategy: (times) => Math.min(times * 100, RECONNECT_MAX_MS)
		});
	const publisher = connection('pub', false);
	const subscriber = connection('sub', true);
	const handlers = new Map<string, Set<BusHandler>>();
	/** Each topic's SUBSCRIBE, so a second subscriber to it also waits for Redis' confirmation. */
	const confirmed = new Map<string, Promise<unknown>>();
	const resumedHandlers = new Set<() => void>();
	const stats: NodeBusStats = { published: 0, dropped: 0, received: 0, resumed: 0 };
	let down = false;
	let closed = false;

	// An outage is written once when it starts and once when it ends, not at every reconnect attempt.
	for (const [role, redis] of [['publish', publisher], ['subscribe', subscriber]] as const) {
		redis.on('error', (error) => {
			if (!down && !closed) log.warn({ err: errorField(error), role }, 'Lost Redis: changes reach other relay nodes again once it is back');
			down = true;
		});
	}
	subscriber.on('ready', () => {
		if (!down || closed) return;
		down = false;
		stats.resumed++;
		log.info({}, 'Redis is back: repairing what other relay nodes said meanwhile');
		for (const handler of resumedHandlers) handler();
	});
	subscriber.on('close', () => {
		if (!closed) down = true;
	});
	subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
		const topic = channel.toString('latin1').slice(CHANNEL_PREFIX.length);
		const parsed = parseBusMessage(message);
		if (!parsed || parsed.fromNode === nodeId) return;
		stats.received++;
		for (const handler of handlers.get(topic) ?? []) {
			try {
				handler(parsed.payload, parsed.fromNode);
			} catch (error) {
				log.error({ err: errorField(error), topic }, 'A message from another relay node failed');
			}
		}
	});

	try {
		await Promise.all([publisher.connect(), subscriber.connect()]);
	} catch (error) {
		publisher.disconnect();
		subscriber.disconnect();
		throw new Error(`Redis at REDIS_URL is not reachable (${error instanceof Error ? error.message : String(error)}): start it, or unset REDIS_URL to run a single node.`);
	}

	return {
		nodeId,
		publish(topic, payload) {
			if (closed || publisher.status !== 'ready') {
				stats.dropped++;
				return;
			}
			stats.published++;
			publisher.publish(CHANNEL_PREFIX + topic, frameBusMessage(nodeId, payload)).catch(() => stats.dropped++);
		},
		async subscribe(topic, handler) {
			let set = handlers.get(topic);
			if (!set) {
				set = new Set();
				handlers.set(topic, set);
				confirmed.set(topic, subscriber.subscribe(CHANNEL_PREFIX + topic));
			}
			set.add(handler);
			await confirmed.get(topic);
			return async () => {
				const current = handlers.get(topic);
				if (!current?.delete(handler) || current.size > 0) return;
				handlers.delete(topic);
				confirmed.delete(topic);
				if (!closed) await subscriber.unsubscribe(CHANNEL_PREFIX + topic).catch(() => {});
			};
		},
		onResumed(handler) {
			resumedHandlers.add(handler);
			return () => resumedHandlers.delete(handler);
		},
		connected: () => !closed && publisher.status === 'ready' && subscriber.status === 'ready',
		stats: () => ({ ...stats }),
		async close() {
			if (closed) return;
			closed = true;
			handlers.clear();
			resumedHandlers.clear();
			await Promise.all([publisher.quit().catch(() => publisher.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
		}
	} satisfies NodeBus as NodeBus;
}
