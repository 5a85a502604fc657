// Sign-in tokens: base64url(JSON payload) + '.' + base64url(HMAC-SHA256), signed with a key kept in DATA_DIR.
// The payload carries the person's token epoch, bumped on a password reset or disable, so those revoke at once.
// A token newer than the directory here (its person or epoch not seen yet: issued by another relay node a moment ago)
// is told apart from a revoked one, so `check` catches up before refusing it (token-check.ts).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { UserId } from '../../src/lib/model/ids.ts';
import { checkCatchingUp } from './token-check.ts';

export interface TokenPayload {
	sub: UserId;
	/** Issued at, seconds since the epoch. */
	iat: number;
	/** Expires at, seconds since the epoch. */
	exp: number;
	epoch: number;
}

export type TokenCheck =
	| { ok: true; userId: UserId; payload: TokenPayload }
	| { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'revoked' | 'disabled' | 'unknown-user' | 'newer' };

/** What the tokens need to know about a person. */
export type TokenSubjectLookup = (userId: UserId) => { tokenEpoch: number; disabled: boolean } | undefined;

export interface Tokens {
	issue(userId: UserId, epoch: number): { token: string; expiresAt: number };
	/** The answer from the directory as this node has it, at once. */
	verify(token: string): TokenCheck;
	/** `verify`, catching up with the other relay nodes first when the token is newer than the directory here. */
	check(token: string): Promise<TokenCheck>;
}

/** Reads DATA_DIR/token-key, creating 32 random bytes (mode 0600) on the first start. */
export function loadTokenKey(dataDir: string): Buffer {
	mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	const path = join(dataDir, 'token-key');
	try {
		const fd = openSync(path, 'wx', 0o600);
		try {
			writeSync(fd, randomBytes(32));
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
	}
	const key = readFileSync(path);
	if (key.length < 32) throw new Error(`${path} is damaged (${key.length} bytes; expected 32). Delete it to sign everyone out and create a new key.`);
	return key;
}

export interface TokensOptions {
	key: Buffer;
	ttlHours: number;
	lookup: TokenSubjectLookup;
	now?: () => number;
	/** Applies what other relay nodes committed to the directory (PostgreSQL); none on a single node. */
	catchUp?: () => Promise<void>;
}

export function createTokens(options: TokensOptions): Tokens {
	const { key, lookup } = options;
	const now = options.now ?? Date.now;
	const ttlSeconds = Math.max(1, Math.round(options.ttlHours * 3600));
	const sign = (body: string) => createHmac('sha256', key).update(body).digest();

	const verify = (token: string): TokenCheck => {
		const parts = typeof token === 'string' && token.length < 2048 ? token.split('.') : [];
		const [body, signature] = parts;
		if (parts.length !== 2 || !body || !signature) return { ok: false, reason: 'malformed' };
		const given = Buffer.from(signature, 'base64url');
		const expected = sign(body);
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
		const payload = decodePayload(body);
		if (!payload) return { ok: false, reason: 'malformed' };
		if (payload.exp * 1000 <= now()) return { ok: false, reason: 'expired' };
		const subject = lookup(payload.sub);
		if (!subject) return { ok: false, reason: 'unknown-user' };
		// A disabled person's current epoch was never in a token (disabling bumps it, and they cannot sign in): such a
		// token was issued after they were enabled again, which this directory has not seen yet.
		if (payload.epoch > subject.tokenEpoch || (subject.disabled && payload.epoch === subject.tokenEpoch)) return { ok: false, reason: 'newer' };
		if (subject.disabled) return { ok: false, reason: 'disabled' };
		if (subject.tokenEpoch !== payload.epoch) return { ok: false, reason: 'revoked' };
		return { ok: true, userId: payload.sub, payload };
	};
	return {
		issue(userId, epoch) {
			const iat = Math.floor(now() / 1000);
			const payload: TokenPayload = { sub: userId, iat, exp: iat + ttlSeconds, epoch };
			const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
			return { token: `${body}.${sign(body).toString('base64url')}`, expiresAt: payload.exp * 1000 };
		},
		verify,
		check: checkCatchingUp(verify, options.catchUp)
	};
}

function decodePayload(body: string): TokenPayload | null {
	try {
		const p: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
		if (typeof p !== 'object' || p === null) return null;
		const { sub, iat, exp, epoch } = p as Record<string, unknown>;
		if (typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number' || typeof epoch !== 'number') return null;
		return { sub: sub as UserId, iat, exp, epoch };
	} catch {
		return null;
	}
}

/** The message a person sees for each refusal. */
export function describeTokenProblem(reason: Exclude<TokenCheck, { ok: true }>['reason']): string {
	switch (reason) {
		case 'expired':
			return 'Your sign-in has expired. Please sign in again.';
		case 'revoked':
			return 'Your sign-in was revoked (the password was reset or the account disabled). Please sign in again.';
		case 'disabled':
			return 'This account is disabled.';
		default:
			return 'Not signed in, or the sign-in token is not valid. Please sign in again.';
	}
}
