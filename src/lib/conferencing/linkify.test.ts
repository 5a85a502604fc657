import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
	it('turns http(s) and www addresses into links and leaves the rest as text', () => {
		expect(linkify('Manual: https://gfms.example/cut-p-550.pdf, or www.gfms.example.')).toEqual([
			{ kind: 'text', text: 'Manual: ' },
			{ kind: 'link', text: 'https://gfms.example/cut-p-550.pdf', href: 'https://gfms.example/cut-p-550.pdf' },
			{ kind: 'text', text: ', or ' },
			{ kind: 'link', text: 'www.gfms.example', href: 'https://www.gfms.example' },
			{ kind: 'text', text: '.' }
		]);
	});
	it('never makes a link of other schemes, and keeps markup as plain text', () => {
		const segments = linkify('<img src=x onerror=alert(1)> javascript:alert(1) data:text/html,<b>x</b>');
		expect(segments).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)> javascript:alert(1) data:text/html,<b>x</b>' }]);
	});
	it('keeps a closing parenthesis that belongs to the address', () => {
		const [link] = linkify('https://en.wikipedia.org/wiki/Wire_(EDM)');
		expect(link).toEqual({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Wire_(EDM)', href: 'https://en.wikipedia.org/wiki/Wire_(EDM)' });
	});
});
