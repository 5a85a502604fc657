import { describe, expect, it } from 'vitest';
import { asUserId } from '$lib/model/ids';
import { insertMention, mentionCandidates, mentionedIn, mentionQuery } from './mentions';

const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
const tomas = { id: asUserId('tomas'), name: 'Tomáš Marek' };
const people = [anna, tomas];

describe('mentions', () => {
	it('finds the name being typed after an @ at the caret, but not in an e-mail address', () => {
		expect(mentionQuery('Hi @', 4)).toEqual({ start: 3, query: '' });
		expect(mentionQuery('Hi @Anna H', 10)).toEqual({ start: 3, query: 'Anna H' });
		expect(mentionQuery('@to', 3)).toEqual({ start: 0, query: 'to' });
		expect(mentionQuery('write to anna@acme.cz', 21)).toBeNull();
		expect(mentionQuery('Hi @Anna\nsecond line', 20)).toBeNull();
		expect(mentionQuery('no mention', 10)).toBeNull();
		// Only what is before the caret counts.
		expect(mentionQuery('Hi @An and more', 6)).toEqual({ start: 3, query: 'An' });
	});

	it('offers members whose name words begin with what is typed, ignoring accents', () => {
		expect(mentionCandidates(people, '')).toEqual(people);
		expect(mentionCandidates(people, 'tom')).toEqual([tomas]);
		expect(mentionCandidates(people, 'tomas m')).toEqual([tomas]);
		expect(mentionCandidates(people, 'hora')).toEqual([anna]);
		expect(mentionCandidates(people, 'x')).toEqual([]);
	});

	it('puts the full name in with a space after it', () => {
		expect(insertMention('Hi @an, see', 3, 6, 'Anna Horáková')).toEqual({ text: 'Hi @Anna Horáková , see', caret: 18 });
	});

	it('says who a text names, not as part of a longer word or an address', () => {
		expect(mentionedIn('thanks @Tomáš Marek!', people)).toEqual(['tomas']);
		expect(mentionedIn('@Tomáš Marekovi', people)).toEqual([]);
		expect(mentionedIn('x@Anna Horáková', people)).toEqual([]);
	});
});
