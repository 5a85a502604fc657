import { describe, expect, it } from 'vitest';
import { asUserId } from './ids';
import { firstLine, splitMentions } from './message-text';

const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
const tomas = { id: asUserId('tomas'), name: 'Tomáš Marek' };
const ann = { id: asUserId('ann'), name: 'Anna' };

describe('message text', () => {
	it('cuts text at each mention of a member, the longest name first', () => {
		expect(splitMentions('@Anna Horáková and @Tomáš Marek: check @Anna', [anna, tomas, ann])).toEqual([
			{ kind: 'mention', text: '@Anna Horáková', userId: 'anna' },
			{ kind: 'text', text: ' and ' },
			{ kind: 'mention', text: '@Tomáš Marek', userId: 'tomas' },
			{ kind: 'text', text: ': check ' },
			{ kind: 'mention', text: '@Anna', userId: 'ann' }
		]);
		expect(splitMentions('plain', [anna])).toEqual([{ kind: 'text', text: 'plain' }]);
		expect(splitMentions('mail anna@Anna Horáková', [anna])).toEqual([{ kind: 'text', text: 'mail anna@Anna Horáková' }]);
	});

	it('quotes the first line, cut to 120 characters', () => {
		expect(firstLine('Wire breaks\nafter 20 min')).toBe('Wire breaks');
		const long = firstLine('x'.repeat(200));
		expect(long).toHaveLength(120);
		expect(long.endsWith('…')).toBe(true);
	});
});
