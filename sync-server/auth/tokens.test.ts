import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asUserId } from '../../src/lib/model/ids.ts';
import { createTokens } from './tokens.ts';

const anna = asUserId('anna');

function setup() {
	let t = Date.UTC(2026, 0, 1);
	const people = new Map([[anna, { tokenEpoch: 0, disabled: false }]]);
	const tokens = createTokens({ key: randomBytes(32), ttlHours: 336, lookup: (id) => people.get(id), now: () => t });
	return { tokens, people, advance: (ms: number) => (t += ms) };
}

describe('tokens', () => {
	it('verify what they issued until they expire', () => {
		const { tokens, advance } = setup();
		const { token, expiresAt } = tokens.issue(anna, 0);
		expect(tokens.verify(token)).toMatchObject({ ok: true, userId: 'anna' });
		expect(expiresAt).toBe(Date.UTC(2026, 0, 15));
		advance(14 * 24 * 3600_000);
		expect(tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
	});

	it('refuse another key, tampering, revocation and disabled people', () => {
		const { tokens, people } = setup();
		const other = setup().tokens.issue(anna, 0).token;
		expect(tokens.verify(other)).toEqual({ ok: false, reason: 'bad-signature' });
		const { token } = tokens.issue(anna, 0);
		expect(tokens.verify(token.slice(1))).toEqual({ ok: false, reason: 'bad-signature' });
		expect(tokens.verify('x')).toEqual({ ok: false, reason: 'malformed' });
		expect(tokens.verify(tokens.issue(asUserId('ghost'), 0).token)).toEqual({ ok: false, reason: 'unknown-user' });
		people.set(anna, { tokenEpoch: 1, disabled: false });
		expect(tokens.verify(token)).toEqual({ ok: false, reason: 'revoked' });
		people.set(anna, { tokenEpoch: 1, disabled: true });
		expect(tokens.verify(token)).toEqual({ ok: false, reason: 'disabled' });
	});

	it('tell a token newer than the directory here (issued by another relay node) from a revoked one', () => {
		const { tokens, people } = setup();
		// Reset elsewhere: epoch 1 there, 0 here.
		expect(tokens.verify(tokens.issue(anna, 1).token)).toEqual({ ok: false, reason: 'newer' });
		// Disabled here, enabled again elsewhere and signed in: a disabled person's own epoch is in no token otherwise.
		people.set(anna, { tokenEpoch: 1, disabled: true });
		expect(tokens.verify(tokens.issue(anna, 1).token)).toEqual({ ok: false, reason: 'newer' });
	});
});
