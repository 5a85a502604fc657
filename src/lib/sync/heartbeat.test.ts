import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALM_INTERVALS, createHeartbeat, type HeartbeatEvents } from './heartbeat';

/** A heartbeat of 1 s on fake timers, recording what it does; `unsent` is the socket's bufferedAmount. */
function beat(options: { maxPatienceMs?: number } = {}) {
	const events: string[] = [];
	const socket = { unsent: 0 };
	const handlers: HeartbeatEvents = {
		ask: () => events.push(`ask@${Date.now()}`),
		dead: (why) => events.push(`dead:${why}@${Date.now()}`),
		unsent: () => socket.unsent
	};
	const heartbeat = createHeartbeat({ intervalMs: 1000, ...options }, handlers);
	return { heartbeat, events, socket };
}

describe('createHeartbeat', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(0);
	});
	afterEach(() => vi.useRealTimers());

	it('asks after an interval of silence, every interval, and gives a silent connection up after twice that', () => {
		const { heartbeat, events } = beat();
		heartbeat.joined();
		vi.advanceTimersByTime(5000);
		expect(events).toEqual(['ask@1000', 'dead:silent@2000']);
	});

	it('notices a stall within patience + an eighth of an interval, whenever it starts', () => {
		for (const stallAt of [0, 100, 250, 600, 999]) {
			const { heartbeat, events } = beat();
			heartbeat.joined();
			vi.advanceTimersByTime(stallAt);
			heartbeat.heard();
			vi.advanceTimersByTime(5000);
			const deadAt = Number(events.find((e) => e.startsWith('dead'))!.split('@')[1]);
			expect(deadAt - Date.now() + 5000).toBeLessThanOrEqual(2000 + 125);
			heartbeat.stop();
			vi.setSystemTime(0);
		}
	});

	it('does not ask while frames arrive, and any frame counts as an answer', () => {
		const { heartbeat, events } = beat();
		heartbeat.joined();
		for (let i = 0; i < 20; i++) {
			vi.advanceTimersByTime(900);
			heartbeat.heard(); // a sync message, not the peer message: still proof of life
		}
		expect(events).toEqual([]);
		vi.advanceTimersByTime(1000);
		expect(events).toEqual(['ask@19000']);
	});

	it('keeps asking every interval while it waits, so the other side keeps hearing from it', () => {
		const { heartbeat, events } = beat();
		heartbeat.joined();
		vi.advanceTimersByTime(2000); // given up...
		heartbeat.connecting();
		heartbeat.joined(); // ...and answered at once: 4 s of patience now
		const joinedAt = Date.now();
		events.length = 0;
		vi.advanceTimersByTime(10_000);
		expect(events.map((e) => e.replace(/@(\d+)/, (_, t) => `+${Number(t) - joinedAt}`))).toEqual(['ask+1000', 'ask+2000', 'ask+3000', 'dead:silent+4000']);
	});

	it('counts its own outgoing buffer going down as proof of life (a large upload on a slow link)', () => {
		const { heartbeat, events, socket } = beat();
		socket.unsent = 10_000_000;
		heartbeat.joined();
		for (let i = 0; i < 40; i++) {
			vi.advanceTimersByTime(250);
			socket.unsent -= 200_000;
		}
		expect(events).toEqual([]);
		vi.advanceTimersByTime(2250); // the buffer stops going down: the link is stuck
		expect(events).toEqual(['ask@11125', 'dead:silent@12125']); // the last drop seen at the 10,125 ms check
	});

	it('gives a new socket the same patience to be answered at all', () => {
		const { heartbeat, events } = beat();
		heartbeat.connecting();
		vi.advanceTimersByTime(1999);
		expect(events).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(events).toEqual(['dead:handshake@2000']);
	});

	it('doubles the patience when the next connection after a give-up is answered at once, up to the cap', () => {
		const { heartbeat, events } = beat({ maxPatienceMs: 6000 });
		const patience: number[] = [];
		for (let round = 0; round < 4; round++) {
			heartbeat.connecting();
			vi.advanceTimersByTime(10);
			heartbeat.joined();
			patience.push(heartbeat.patienceMs);
			vi.advanceTimersByTime(60_000); // silent: a large message crawling towards it
		}
		expect(patience).toEqual([2000, 4000, 6000, 6000]);
		expect(events.filter((e) => e.startsWith('dead')).length).toBe(4);
	});

	it('keeps the base patience when the link really was down (the next connections failed)', () => {
		const { heartbeat } = beat();
		heartbeat.joined();
		vi.advanceTimersByTime(2000);
		for (let i = 0; i < 3; i++) {
			heartbeat.connecting();
			heartbeat.stop(); // refused, reset...
		}
		heartbeat.connecting();
		heartbeat.joined();
		expect(heartbeat.patienceMs).toBe(2000);
	});

	it('halves a grown patience after a calm stretch, never below the base', () => {
		const { heartbeat } = beat();
		heartbeat.joined();
		vi.advanceTimersByTime(2000);
		heartbeat.connecting();
		heartbeat.joined();
		vi.advanceTimersByTime(4000);
		heartbeat.connecting();
		heartbeat.joined();
		expect(heartbeat.patienceMs).toBe(8000);
		for (let i = 0; i < CALM_INTERVALS * 3; i++) {
			vi.advanceTimersByTime(1000);
			heartbeat.heard();
		}
		expect(heartbeat.patienceMs).toBe(2000);
	});

	it('stays silent once stopped', () => {
		const { heartbeat, events } = beat();
		heartbeat.joined();
		heartbeat.stop();
		vi.advanceTimersByTime(10_000);
		expect(events).toEqual([]);
	});
});
