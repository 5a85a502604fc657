// The node bus on a real Redis: messages reach the other nodes on a topic and never their sender; while Redis is
// away publishing drops rather than queues, and when it is back the nodes hear `onResumed` and messages flow again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../tests/helpers/redis.ts';
import type { NodeBus } from './node-bus.ts';
import { openRedisBus } from './redis-bus.ts';

let redis: TestRedis;
const buses: NodeBus[] = [];

beforeAll(async () => {
	redis = await startRedis();
}, 30_000);
afterAll(async () => {
	await Promise.all(buses.map((bus) => bus.close()));
	await redis?.close();
});

async function bus(): Promise<NodeBus> {
	const opened = await openRedisBus({ url: redis.url });
	buses.push(opened);
	return opened;
}

/** Collects what a bus hears on a topic. */
async function listen(on: NodeBus, topic: string): Promise<{ heard: { text: string; from: string }[]; stop: () => Promise<void> }> {
	const heard: { text: string; from: string }[] = [];
	const stop = await on.subscribe(topic, (payload, from) => heard.push({ text: Buffer.from(payload).toString(), from }));
	return { heard, stop };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('the Redis node bus', () => {
	it('carries a message to every other node on the topic, not to its sender nor to other topics', async () => {
		const [a, b, c] = [await bus(), await bus(), await bus()];
		expect(new Set([a.nodeId, b.nodeId, c.nodeId]).size).toBe(3);
		const atA = await listen(a, 'doc:1');
		const atB = await listen(b, 'doc:1');
		const atC = await listen(c, 'doc:2');
		a.publish('doc:1', Buffer.from('hello'));
		await until(() => atB.heard.length === 1);
		expect(atB.heard).toEqual([{ text: 'hello', from: a.nodeId }]);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(atA.heard).toEqual([]);
		expect(atC.heard).toEqual([]);
		await atB.stop();
		a.publish('doc:1', Buffer.from('after'));
		c.publish('doc:1', Buffer.from('from c'));
		await until(() => atA.heard.length === 1);
		expect(atA.heard).toEqual([{ text: 'from c', from: c.nodeId }]);
		expect(atB.heard).toHaveLength(1);
	});

	it('keeps a topic for a second handler when the first unsubscribes', async () => {
		const [a, b] = [await bus(), await bus()];
		const first = await listen(b, 'shared');
		const second = await listen(b, 'shared');
		await first.stop();
		a.publish('shared', Buffer.from('x'));
		await until(() => second.heard.length === 1);
		expect(first.heard).toEqual([]);
	});

	it('drops what is published while Redis is away, and says when it is back so the nodes repair', async () => {
		const [a, b] = [await bus(), await bus()];
		const atB = await listen(b, 'doc:3');
		let resumed = 0;
		b.onResumed(() => resumed++);
		await redis.stop();
		await until(() => !a.connected() && !b.connected());
		// Dropped at once when the publishing connection already knows Redis is gone, or as soon as its write fails.
		a.publish('doc:3', Buffer.from('lost'));
		await until(() => a.stats().dropped >= 1);
		await redis.start();
		await until(() => resumed === 1 && a.connected(), 10_000);
		a.publish('doc:3', Buffer.from('after the outage'));
		await until(() => atB.heard.length === 1);
		expect(atB.heard.map((m) => m.text)).toEqual(['after the outage']);
	}, 20_000);

	it('says what to do when Redis cannot be reached at start', async () => {
		await expect(openRedisBus({ url: 'redis://127.0.0.1:1' })).rejects.toThrow(/REDIS_URL is not reachable.*unset REDIS_URL/);
	});
});
