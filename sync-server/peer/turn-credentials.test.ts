import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials } from './turn-credentials.ts';

describe('TURN credentials', () => {
	it('follow the TURN REST API: expiry:user, HMAC-SHA1 of it with the shared secret', () => {
		const now = Date.UTC(2026, 0, 1);
		const c = turnCredentials({ secret: 's3cret', urls: ['turn:t.lan'], ttlSeconds: 3600 }, 'anna', now);
		expect(c.username).toBe(`${now / 1000 + 3600}:anna`);
		expect(c.credential).toBe(createHmac('sha1', 's3cret').update(c.username).digest('base64'));
		expect(c.urls).toEqual(['turn:t.lan']);
	});

	it('differ per person and per moment', () => {
		const turn = { secret: 'x', urls: ['turn:t'], ttlSeconds: 60 };
		expect(turnCredentials(turn, 'anna', 0).credential).not.toBe(turnCredentials(turn, 'petr', 0).credential);
		expect(turnCredentials(turn, 'anna', 0).username).not.toBe(turnCredentials(turn, 'anna', 10_000).username);
	});
});
