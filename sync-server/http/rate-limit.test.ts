import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createConnectionCounter, createKeyedLimiter, createSocketLimiter } from './rate-limit.ts';

function clock() {
	let t = 1_000_000;
	return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token buckets per key', () => {
	it('allows the burst, then the sustained rate, and says when to retry', () => {
		const c = clock();
		const limiter = createKeyedLimiter({ burst: 3, perSecond: 2 }, { now: c.now });
		expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
		expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
		// Another address has its own bucket.
		expect(limiter.take('b').allowed).toBe(true);
		c.advance(500); // one token back
		expect(limiter.take('a').allowed).toBe(true);
		expect(limiter.take('a').allowed).toBe(false);
		c.advance(10_000); // never more than the burst
		expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
	});

	it('refuses a cost above the burst with the time to refill completely', () => {
		const c = clock();
		const limiter = createKeyedLimiter({ burst: 10, perSecond: 1 }, { now: c.now });
		expect(limiter.take('a', 11)).toEqual({ allowed: false, retryAfterSeconds: 10 });
	});

	it('keeps memory bounded under many random addresses', () => {
		const c = clock();
		const limiter = createKeyedLimiter({ burst: 5, perSecond: 5 }, { now: c.now, maxKeys: 100 });
		for (let i = 0; i < 10_000; i++) {
			limiter.take(`10.0.${i >> 8}.${i & 255}`);
			if (i % 50 === 0) c.advance(300);
		}
		expect(limiter.size()).toBeLessThanOrEqual(100);
		// A busy address is not forgotten while it is within the limit's memory.
		for (let i = 0; i < 5; i++) limiter.take('busy');
		expect(limiter.take('busy').allowed).toBe(false);
	});
});

describe('a socket limiter', () => {
	it('closes on too many frames or too many bytes, whichever comes first', () => {
		const c = clock();
		const limits = { messages: { burst: 4, perSecond: 4 }, bytes: { burst: 1000, perSecond: 1000 } };
		const byCount = createSocketLimiter(limits, c.now);
		expect([1, 2, 3, 4, 5].map(() => byCount.take(1).allowed)).toEqual([true, true, true, true, false]);
		const byBytes = createSocketLimiter(limits, c.now);
		expect(byBytes.take(900).allowed).toBe(true);
		expect(byBytes.take(200).allowed).toBe(false);
		c.advance(200);
		expect(byBytes.take(200).allowed).toBe(true);
	});
});

describe('open connections per key', () => {
	it('counts up to the limit and frees a place on close', () => {
		const counter = createConnectionCounter(2);
		expect([counter.open('a'), counter.open('a'), counter.open('a')]).toEqual([true, true, false]);
		expect(counter.open('b')).toBe(true);
		counter.close('a');
		expect(counter.open('a')).toBe(true);
		counter.close('a');
		counter.close('a');
		counter.close('b');
		expect(counter.size()).toBe(0);
	});
});

describe('the default limits and a whole plant behind one NAT address', () => {
	const { limits } = loadConfig({});
	const TABLETS = 500;

	it('lets 500 tablets each hold a sync and a call socket, with a second window and reconnects overlapping', () => {
		const counter = createConnectionCounter(limits.socketsPerAddress);
		// Each tablet: the main window and a whiteboard or call window, each reconnecting before the old socket closed.
		for (let i = 0; i < TABLETS * 2 * 2; i++) expect(counter.open('sync 203.0.113.1')).toBe(true);
	});

	it('lets a shift start (cold app loads, sign-ins) and then a working hour through without one refusal', () => {
		const c = clock();
		const limiter = createKeyedLimiter(limits.http, { now: c.now });
		let refused = 0;
		const request = () => void (limiter.take('203.0.113.1').allowed || refused++);
		// Shift start: every tablet loads the app cold (~40 files), signs in and fetches me, directory, conversations,
		// ICE servers, and opens its two sockets, all within one minute.
		for (let s = 0; s < 60; s++) {
			for (let r = 0; r < Math.ceil((TABLETS * 47) / 60); r++) request();
			c.advance(1000);
		}
		// Then an hour: an API refresh every 10 s per tablet, and 40 tablets uploading 1 MiB chunks at 10 per second.
		for (let s = 0; s < 3600; s++) {
			for (let r = 0; r < TABLETS / 10 + 40 * 10; r++) request();
			c.advance(1000);
		}
		expect(refused).toBe(0);
	});

	it('lets a reconnecting tablet ask about a thousand documents, then draw at 60 strokes a second', () => {
		const c = clock();
		const socket = createSocketLimiter({ messages: limits.syncMessages, bytes: limits.syncBytes }, c.now);
		for (let i = 0; i < 1000; i++) expect(socket.take(2_000).allowed).toBe(true);
		// Its offline backlog: a maximum-size message among them.
		expect(socket.take(16 * 1024 * 1024).allowed).toBe(true);
		for (let s = 0; s < 600; s++) {
			for (let i = 0; i < 60 + 20; i++) expect(socket.take(500).allowed).toBe(true);
			c.advance(1000);
		}
	});

	it('lets an 8-person call set up on a signalling socket', () => {
		const c = clock();
		const socket = createSocketLimiter({ messages: limits.peerMessages, bytes: limits.peerBytes }, c.now);
		// An offer or answer (~6 KiB) and 40 ICE candidates per other peer, all at once.
		for (let peer = 0; peer < 7; peer++) {
			expect(socket.take(6 * 1024).allowed).toBe(true);
			for (let i = 0; i < 40; i++) expect(socket.take(300).allowed).toBe(true);
		}
	});
});
