import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
	it('doubles from half a second and stops at thirty seconds', () => {
		const top = (attempt: number) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 1);
		expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(top)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
	});

	it('spreads each wait between half and all of its ceiling', () => {
		expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(2000);
		expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(3000);
		for (let i = 0; i < 100; i++) {
			const wait = backoffDelay(10);
			expect(wait).toBeGreaterThanOrEqual(15_000);
			expect(wait).toBeLessThanOrEqual(30_000);
		}
	});

	it('treats a negative or huge attempt count sanely', () => {
		expect(backoffDelay(-5, DEFAULT_BACKOFF, () => 1)).toBe(500);
		expect(backoffDelay(10_000, DEFAULT_BACKOFF, () => 1)).toBe(30_000);
	});
});
