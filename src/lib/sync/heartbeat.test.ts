import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHeartbeat } from './heartbeat';

describe('createHeartbeat', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('asks every interval while answered, and declares the connection dead after one unanswered interval', () => {
		const events: string[] = [];
		const beat = createHeartbeat(1000, () => events.push('ask'), () => events.push('dead'));
		beat.start();
		vi.advanceTimersByTime(1000);
		beat.answered();
		vi.advanceTimersByTime(1000);
		expect(events).toEqual(['ask', 'ask']);
		vi.advanceTimersByTime(1000);
		expect(events).toEqual(['ask', 'ask', 'dead']);
		vi.advanceTimersByTime(5000);
		expect(events).toHaveLength(3);
	});

	it('stays silent once stopped', () => {
		const ask = vi.fn();
		const beat = createHeartbeat(1000, ask, ask);
		beat.start();
		beat.stop();
		vi.advanceTimersByTime(10_000);
		expect(ask).not.toHaveBeenCalled();
	});
});
