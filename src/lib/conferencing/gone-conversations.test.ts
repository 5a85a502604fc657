import { describe, expect, it } from 'vitest';
import { loadGone, saveGone, updateGone } from './gone-conversations';

const list = (...ids: string[]) => ids.map((id) => ({ id }) as never);

describe('conversations one was removed from', () => {
	it('marks a registered conversation missing from a fresh list as removed, and forgets it when it is back', () => {
		const gone = updateGone({}, list('a', 'b'), list('a'));
		expect(gone).toEqual({ b: 'removed' });
		expect(updateGone({ ...gone, c: 'left' }, list('a'), list('a', 'c'))).toEqual({ b: 'removed' });
		// Leaving is not turned into being removed when the list catches up.
		expect(updateGone({ a: 'left' }, list('a', 'b'), list('b'))).toEqual({ a: 'left' });
	});

	it('keeps the list per person and survives damage', () => {
		const store = new Map<string, string>();
		const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
		expect(saveGone('anna', { x: 'removed' }, storage)).toBe(true);
		expect(loadGone('anna', storage)).toEqual({ x: 'removed' });
		expect(loadGone('petr', storage)).toEqual({});
		store.set('caseroom.gone.anna', '{"x": "weird", "y": "left"');
		expect(loadGone('anna', storage)).toEqual({});
		store.set('caseroom.gone.anna', '{"x": "weird", "y": "left"}');
		expect(loadGone('anna', storage)).toEqual({ y: 'left' });
	});
});
