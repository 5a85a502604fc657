import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesced.ts';

describe('coalesced', () => {
	it('runs once for the callers of one moment, and once more for those arriving during that run', async () => {
		let started = 0;
		let release: () => void = () => {};
		const run = coalesced(() => {
			started++;
			return new Promise<void>((resolve) => (release = resolve));
		});
		const first = [run(), run(), run()];
		await until(() => started === 1);
		// These arrive while it runs: it may have read before their tokens existed, so they wait for the next.
		const later = [run(), run()];
		release();
		await Promise.all(first);
		await until(() => started === 2);
		release();
		await Promise.all(later);
		expect(started).toBe(2);
	});
});

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
