// Single sign-on's one-time values in PostgreSQL (DATABASE_URL), so every relay node behind a load balancer sees them:
// a sign-in started on node A may come back from the provider to node B, and the app may redeem its hand-off code on
// node C. Taken with DELETE … RETURNING, so a value is given once across all nodes even when two take it at once.
// Bounded as the in-memory store (one-time-store.ts): overall and per client address, the oldest going first.
// Rows hold the key's SHA-256, not the key: what is in the database cannot be redeemed. Expiry is by the relay's
// clock (`now`), as in memory; expired rows go at the next put. A database out of reach is StoreUnavailable: the
// sign-in says it failed (try again), nothing half-kept.
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { unavailable } from '../storage/postgres-database.ts';
import type { OneTimeStores, SharedOneTimeStore } from './one-time-store.ts';

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

export function postgresOneTimeStores(pool: Pool, now: () => number): OneTimeStores {
	return <T>(kind: string, options: { ttlMs: number; max: number; maxPerAddress: number }): SharedOneTimeStore<T> => {
		async function put(key: string, value: T, address: string): Promise<void> {
			const t = now();
			await pool.query('DELETE FROM sso_one_time WHERE expires_at <= $1', [t]);
			// Room for the new row: the address's oldest past its share, then the oldest overall past the limit.
			await pool.query(
				'DELETE FROM sso_one_time WHERE kind = $1 AND seq IN (SELECT seq FROM sso_one_time WHERE kind = $1 AND address = $2 ORDER BY seq DESC OFFSET $3)',
				[kind, address, options.maxPerAddress - 1]
			);
			await pool.query('DELETE FROM sso_one_time WHERE kind = $1 AND seq IN (SELECT seq FROM sso_one_time WHERE kind = $1 ORDER BY seq DESC OFFSET $2)', [kind, options.max - 1]);
			await pool.query(
				`INSERT INTO sso_one_time (kind, key_hash, value, address, expires_at) VALUES ($1, $2, $3, $4, $5)
				 ON CONFLICT (kind, key_hash) DO UPDATE SET value = EXCLUDED.value, address = EXCLUDED.address, expires_at = EXCLUDED.expires_at, seq = DEFAULT`,
				[kind, hashOf(key), JSON.stringify(value), address, t + options.ttlMs]
			);
		}
		async function take(key: string): Promise<T | undefined> {
			const { rows } = await pool.query<{ value: T; expires_at: string }>('DELETE FROM sso_one_time WHERE kind = $1 AND key_hash = $2 RETURNING value, expires_at', [kind, hashOf(key)]);
			const row = rows[0];
			return row && Number(row.expires_at) > now() ? row.value : undefined;
		}
		return {
			put: (key, value, address) => put(key, value, address).catch((error: unknown) => Promise.reject(unavailable(error, 'Keeping a sign-in'))),
			take: (key) => take(key).catch((error: unknown) => Promise.reject(unavailable(error, 'Reading a sign-in')))
		};
	};
}
