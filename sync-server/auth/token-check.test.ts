import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asUserId, type UserId } from '../../src/lib/model/ids.ts';
import { createTokens } from './tokens.ts';

const petr = asUserId('petr');
const jana = asUserId('jana');

/**
 * Real tokens on a directory "here" that lags behind "PostgreSQL"; a catch-up copies one into the other after a
 * moment, and counts itself.
 */
function twoCopies() {
	const key = randomBytes(32);
	type Person = { tokenEpoch: number; disabled: boolean };
	const database = new Map<UserId, Person>([[petr, { tokenEpoch: 0, disabled: false }]]);
	const here = new Map(database);
	let catchUps = 0;
	const catchUp = async () => {
		catchUps++;
		await new Promise((resolve) => setTimeout(resolve, 5));
		for (const [id, person] of database) here.set(id, { ...person });
	};
	const tokens = createTokens({ key, ttlHours: 1, lookup: (id) => here.get(id), catchUp });
	// What another relay node signs (the key is shared), reading the database's epochs.
	const elsewhere = createTokens({ key, ttlHours: 1, lookup: (id) => database.get(id) });
	const issuedElsewhere = (id: UserId) => elsewhere.issue(id, database.get(id)!.tokenEpoch).token;
	return { tokens, database, here, issuedElsewhere, catchUps: () => catchUps };
}

describe('checking a token on one of several relay nodes', () => {
	it('catches up once for a token newer than the directory here, then accepts it', async () => {
		const { tokens, database, issuedElsewhere, catchUps } = twoCopies();
		database.set(petr, { tokenEpoch: 1, disabled: false }); // Petr's password reset through another node
		const fresh = issuedElsewhere(petr);
		expect(await tokens.check(fresh)).toMatchObject({ ok: true, userId: 'petr' });
		expect(catchUps()).toBe(1);
		// Known now: no second catch-up.
		expect(await tokens.check(fresh)).toMatchObject({ ok: true });
		expect(catchUps()).toBe(1);
	});

	it('catches up for a person added on another node', async () => {
		const { tokens, database, issuedElsewhere, catchUps } = twoCopies();
		database.set(jana, { tokenEpoch: 0, disabled: false });
		expect(await tokens.check(issuedElsewhere(jana))).toMatchObject({ ok: true, userId: 'jana' });
		expect(catchUps()).toBe(1);
	});

	it('refuses a token behind the directory here at once, without a catch-up', async () => {
		const { tokens, database, here, issuedElsewhere, catchUps } = twoCopies();
		const old = issuedElsewhere(petr);
		database.set(petr, { tokenEpoch: 1, disabled: false });
		here.set(petr, { tokenEpoch: 1, disabled: false });
		expect(await tokens.check(old)).toEqual({ ok: false, reason: 'revoked' });
		here.set(petr, { tokenEpoch: 1, disabled: true });
		expect(await tokens.check(old)).toEqual({ ok: false, reason: 'disabled' });
		expect(catchUps()).toBe(0);
	});

	it('never catches up for a token not signed with the key, malformed or expired', async () => {
		const { tokens, database, catchUps } = twoCopies();
		database.set(jana, { tokenEpoch: 0, disabled: false });
		const forged = createTokens({ key: randomBytes(32), ttlHours: 1, lookup: () => undefined }).issue(jana, 0).token;
		expect(await tokens.check(forged)).toEqual({ ok: false, reason: 'bad-signature' });
		expect(await tokens.check('garbage')).toEqual({ ok: false, reason: 'malformed' });
		const expired = createTokens({ key: randomBytes(32), ttlHours: 1, lookup: () => undefined, now: () => 0 }).issue(jana, 0).token;
		expect((await tokens.check(expired)).ok).toBe(false);
		expect(catchUps()).toBe(0);
	});

	it('shares one catch-up among the requests waiting meanwhile', async () => {
		const { tokens, database, issuedElsewhere, catchUps } = twoCopies();
		database.set(petr, { tokenEpoch: 1, disabled: false });
		database.set(jana, { tokenEpoch: 0, disabled: false });
		const checks = await Promise.all([...Array.from({ length: 20 }, () => issuedElsewhere(petr)), issuedElsewhere(jana)].map((t) => tokens.check(t)));
		expect(checks.every((c) => c.ok)).toBe(true);
		expect(catchUps()).toBe(1);
	});

	it('still refuses a token the catch-up did not vouch for, and survives a failed catch-up', async () => {
		const key = randomBytes(32);
		let calls = 0;
		const tokens = createTokens({ key, ttlHours: 1, lookup: () => undefined, catchUp: () => Promise.reject(new Error(`database away ${++calls}`)) });
		expect(await tokens.check(tokens.issue(jana, 0).token)).toEqual({ ok: false, reason: 'unknown-user' });
		expect(calls).toBe(1);
	});

	it('answers at once on a single node (no catch-up source)', async () => {
		const tokens = createTokens({ key: randomBytes(32), ttlHours: 1, lookup: (id) => (id === petr ? { tokenEpoch: 0, disabled: false } : undefined) });
		expect(await tokens.check(tokens.issue(petr, 0).token)).toMatchObject({ ok: true });
		expect(await tokens.check(tokens.issue(petr, 3).token)).toEqual({ ok: false, reason: 'newer' });
	});
});
