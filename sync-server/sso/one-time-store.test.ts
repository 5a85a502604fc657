import { describe, expect, it } from 'vitest';
import { createOneTimeStore } from './one-time-store.ts';

describe('one-time store', () => {
	it('gives a value once, and never after it expired', () => {
		let now = 0;
		const store = createOneTimeStore<string>({ ttlMs: 1000, max: 10, maxPerAddress: 10, now: () => now });
		store.put('a', 'A', 'x');
		store.put('b', 'B', 'x');
		expect(store.take('a')).toBe('A');
		expect(store.take('a')).toBeUndefined();
		now = 1000;
		expect(store.take('b')).toBeUndefined();
		expect(store.size()).toBe(0);
	});

	it('is bounded, and one address pushes out only its own oldest', () => {
		const store = createOneTimeStore<number>({ ttlMs: 1000, max: 5, maxPerAddress: 2, now: () => 0 });
		store.put('victim', 0, 'plant');
		for (let i = 0; i < 100; i++) store.put(`flood${i}`, i, 'attacker');
		expect(store.size()).toBe(3);
		expect(store.take('victim')).toBe(0);
		expect(store.take('flood99')).toBe(99);
		expect(store.take('flood0')).toBeUndefined();
		for (let i = 0; i < 10; i++) store.put(`k${i}`, i, `address${i}`);
		expect(store.size()).toBe(5);
		expect(store.take('k9')).toBe(9);
		expect(store.take('k0')).toBeUndefined();
	});
});
