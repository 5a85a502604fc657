import { describe, expect, it } from 'vitest';
import { LogIndex } from './log-index.ts';

describe('LogIndex', () => {
	it('keeps each document\'s records in append order and forgets the compacted ones', () => {
		const index = new LogIndex();
		index.add('A', { segment: 1, position: 10, length: 5 });
		index.add('B', { segment: 1, position: 40, length: 7 });
		index.add('A', { segment: 2, position: 10, length: 3 });
		index.add('A', { segment: 3, position: 0, length: 1 });
		expect(index.documentsUpTo(1)).toEqual(['A', 'B']);
		expect(index.documentsUpTo(0)).toEqual([]);
		expect(index.recordsIn(1)).toBe(2);

		expect(index.removeUpTo('A', 2)).toEqual([
			{ segment: 1, position: 10, length: 5 },
			{ segment: 2, position: 10, length: 3 }
		]);
		expect(index.entries('A')).toEqual([{ segment: 3, position: 0, length: 1 }]);
		expect(index.recordsIn(1)).toBe(1);
		expect(index.recordsIn(2)).toBe(0);
		expect(index.documentsUpTo(2)).toEqual(['B']);
		expect([index.documentCount, index.recordCount]).toEqual([2, 2]);

		index.removeUpTo('B', 2);
		expect(index.has('B')).toBe(false);
		index.forgetSegment(1);
		expect(() => index.forgetSegment(3)).toThrow(/not compacted/);
	});
});
