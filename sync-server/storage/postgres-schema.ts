// The relay's tables in PostgreSQL, as numbered migrations that every node runs at start: in one transaction, under
// an advisory lock, so two nodes starting together apply each migration once and neither sees half a schema.
// `schema_migrations` says which ran. A migration, once released, is never edited: a change is a new number.
// A database migrated by a newer relay (a number this one does not know) is refused rather than guessed at.
import type { Pool } from 'pg';
import { inTransaction } from './postgres-transaction.ts';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'settings, directory events, document changes and snapshots',
		sql: `
			-- Values the nodes share, set once: the storage id clients know the relay by, the token signing key.
			CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL);

			-- The directory's append-only journal (directory/events.ts), replayed into memory at start; seq orders it.
			CREATE TABLE directory_events (
				seq bigserial PRIMARY KEY,
				event jsonb NOT NULL,
				committed_at timestamptz NOT NULL DEFAULT now()
			);

			-- Automerge changes as the sync engine appended them, until compaction folds them into the snapshot.
			CREATE TABLE document_changes (
				seq bigserial NOT NULL,
				document_id text NOT NULL,
				bytes bytea NOT NULL,
				PRIMARY KEY (document_id, seq)
			);

			-- One saved document (Automerge save()) per document id, covering the changes compaction deleted.
			CREATE TABLE document_snapshots (
				document_id text PRIMARY KEY,
				bytes bytea NOT NULL,
				size integer NOT NULL,
				compacted_at timestamptz NOT NULL DEFAULT now()
			);
		`
	},
	{
		version: 2,
		name: 'single sign-on one-time values',
		sql: `
			-- A sign-in in progress and a hand-off code (sso/postgres-one-time-store.ts): the provider's callback and the
			-- app's redemption may reach any node. Keyed by the key's SHA-256, never the key; each row is taken once.
			CREATE TABLE sso_one_time (
				kind text NOT NULL,
				key_hash text NOT NULL,
				value jsonb NOT NULL,
				address text NOT NULL,
				expires_at bigint NOT NULL,
				seq bigserial NOT NULL,
				PRIMARY KEY (kind, key_hash)
			);
			CREATE INDEX sso_one_time_by_address ON sso_one_time (kind, address, seq);
			CREATE INDEX sso_one_time_by_expiry ON sso_one_time (expires_at);
		`
	}
];

/** The two-key advisory locks the relay takes (the one-key space is left to per-document locks). */
export const LOCK_SPACE = 0x43617365; // "Case"
export const LOCKS = { migrations: 1, directory: 2 } as const;

/** Applies the migrations this database lacks; returns the versions applied now (none when it was up to date). */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
	return inTransaction(pool, async (client) => {
		await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, LOCKS.migrations]);
		await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
		const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
		const done = new Set(rows.map((r) => r.version));
		const newest = Math.max(0, ...migrations.map((m) => m.version));
		const unknown = [...done].filter((v) => v > newest);
		if (unknown.length > 0)
			throw new Error(`The database's schema is at version ${Math.max(...unknown)}, written by a newer relay; this relay knows versions up to ${newest}. Run the newer relay.`);
		const applied: number[] = [];
		for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
			if (done.has(migration.version)) continue;
			await client.query(migration.sql);
			await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
			applied.push(migration.version);
		}
		return applied;
	});
}
