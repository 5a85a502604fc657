import { describe, expect, it } from 'vitest';
import { applyHave, completeCopies, have, holdersOf, parseFilesSignal, pruneHolders, TTL_MS, whoHas, type Holders } from './peer-presence';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('who holds which files', () => {
	it('keeps what each online device says it holds, whole copies first', () => {
		let holders: Holders = new Map();
		holders = applyHave(holders, have('petr-1a2b', [A], []), 'petr:xyz', 0);
		holders = applyHave(holders, have('eva-9f9f', [], [A]), 'eva:abc', 0);
		holders = applyHave(holders, have('anna-0000', [A, B], []), 'anna:me', 0);
		expect(holdersOf(holders, A, 'anna-0000').map((h) => h.peer)).toEqual(['petr-1a2b', 'eva-9f9f']);
		expect(completeCopies(holders, A, 'anna-0000')).toBe(1);
		expect(holdersOf(holders, B, 'anna-0000')).toEqual([]);
	});

	it('ignores a device speaking for another person’s peer id', () => {
		const holders = applyHave(new Map(), have('petr-1a2b', [A], []), 'jan:evil', 0);
		expect(holders.size).toBe(0);
	});

	it('forgets devices not heard from for a while', () => {
		const holders = applyHave(new Map(), have('petr-1a2b', [A], []), 'petr:xyz', 0);
		expect(pruneHolders(holders, TTL_MS).size).toBe(1);
		expect(pruneHolders(holders, TTL_MS + 1).size).toBe(0);
	});

	it('reads only well-formed messages of its own kind', () => {
		expect(parseFilesSignal(whoHas())).toEqual(whoHas());
		expect(parseFilesSignal(JSON.parse(JSON.stringify(have('petr-1', [A], [B]))))).toEqual(have('petr-1', [A], [B]));
		expect(parseFilesSignal({ caseroomCall: 1, kind: 'who' })).toBeNull();
		expect(parseFilesSignal({ ...have('petr-1', [A], []), files: ['../etc/passwd'] })).toBeNull();
		expect(parseFilesSignal({ ...have('petr-1', [A], []), partial: 'nope' })).toBeNull();
		expect(parseFilesSignal({ ...have('p'.repeat(200), [A], []) })).toBeNull();
		expect(parseFilesSignal(null)).toBeNull();
	});
});
