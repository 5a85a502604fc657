import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';

describe('formatDuration', () => {
	it('shows minutes and seconds, and hours only when there are any', () => {
		expect(formatDuration(0)).toBe('0:00');
		expect(formatDuration(7_400)).toBe('0:07');
		expect(formatDuration(59_600)).toBe('1:00');
		expect(formatDuration(12 * 60_000 + 5_000)).toBe('12:05');
		expect(formatDuration(3_723_000)).toBe('1:02:03');
	});

	it('rounds to the nearest second and never shows a negative or broken time', () => {
		expect(formatDuration(2_499)).toBe('0:02');
		expect(formatDuration(2_500)).toBe('0:03');
		expect(formatDuration(-5)).toBe('0:00');
		expect(formatDuration(Number.NaN)).toBe('0:00');
		expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('0:00');
	});
});
