// Password hashing: scrypt from node:crypto, a random salt per hash, the cost parameters stored in the hash
// so they can be raised later without invalidating existing passwords.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Longer passwords are refused before hashing, so nobody makes the relay hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		// maxmem: N=16384, r=8 needs 16 MiB, just at node's default limit.
		scrypt(password, salt, length, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)))
	);
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, PARAMS, KEY_LENGTH);
	return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, hash] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64url');
	if (expected.length < 16) return false;
	const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
	return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real check, for unknown usernames: a sign-in does not reveal who exists. */
export async function spendPasswordTime(password: string): Promise<false> {
	dummy ??= hashPassword('caseroom-dummy');
	await verifyPassword(password, await dummy);
	return false;
}

/** A readable generated password for the admin command: 16 characters, over 80 bits. */
export function generatePassword(): string {
	const alphabet = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}
