// The directory in PostgreSQL (DATABASE_URL), shared by several relay nodes: the journal's design kept whole. Its
// events go to `directory_events` (seq bigserial), are replayed at start into the same in-memory DirectoryState, and
// every access check stays a map lookup.
//
// A commit is a transaction under one advisory lock shared by every node: it first applies the events other nodes
// committed since this one last looked (so the invariants are checked against everything committed, on every node),
// then inserts its event; COMMIT makes it durable, and only then does this node's state show it. The lock also makes
// sequence order commit order, so a node reading "every event after the last I applied" never skips one that
// commits later with a lower number. `catchUp()` does that read alone, for another node's changes to reach this one
// (with REDIS_URL, at each notice of another node: cluster/directory-fanout.ts). Within a node, commits and catch-ups run one
// at a time, in order.
import type { Pool, PoolClient } from 'pg';
import { describeError, unavailable } from '../storage/postgres-database.ts';
import { LOCK_SPACE, LOCKS } from '../storage/postgres-schema.ts';
import { inTransaction } from '../storage/postgres-transaction.ts';
import { decodeDirectoryEvent, type DirectoryEvent } from './events.ts';
import { DirectoryError, DirectoryState } from './state.ts';
import { directoryListeners, directoryReads, type DirectoryStore, type OpenStoreOptions } from './store.ts';

export interface PostgresDirectoryStore extends DirectoryStore {
	/** The sequence number of the last event this node applied (0: none). */
	appliedSequence(): number;
}

/** Events read per query while replaying: a directory of any size replays in bounded memory. */
const PAGE = 5000;

export async function openPostgresDirectory(pool: Pool, options: Pick<OpenStoreOptions, 'personalDocumentId'> = {}): Promise<PostgresDirectoryStore> {
	const state = new DirectoryState();
	let applied = 0;
	let closed = false;
	const listeners = directoryListeners();
	/** Commits and catch-ups, one at a time: each reads from `applied` and moves it. */
	let queue: Promise<unknown> = Promise.resolve();
	const serial = <T>(task: () => Promise<T>): Promise<T> => {
		const run = queue.then(() => {
			if (closed) throw new Error('The directory store is closed.');
			return task();
		});
		queue = run.catch(() => {});
		return run;
	};

	/** Applies every committed event after `applied`, in order. */
	const applyNewer = async (db: Pool | PoolClient) => {
		for (;;) {
			const { rows } = await db.query<{ seq: string; event: unknown }>('SELECT seq, event FROM directory_events WHERE seq > $1 ORDER BY seq LIMIT $2', [applied, PAGE]);
			for (const row of rows) {
				let event: DirectoryEvent;
				try {
					event = decodeDirectoryEvent(row.event);
					state.apply(event);
				} catch (error) {
					throw new Error(`directory_events row ${row.seq} cannot be applied (${describeError(error)}): the directory in PostgreSQL is damaged. Restore it from a backup.`);
				}
				applied = Number(row.seq);
				listeners.tell(event, false);
			}
			if (rows.length < PAGE) return;
		}
	};

	/**
	 * Throws DirectoryError if the events, applied in order, would break an invariant: one event against the state as it
	 * is; the first directory (several events, on an empty state) applied to a scratch state, the real one untouched.
	 */
	const check = (events: DirectoryEvent[], first: boolean) => {
		if (first) {
			const scratch = new DirectoryState();
			for (const event of events) scratch.apply(event);
			return;
		}
		const problem = state.problem(events[0]!);
		if (problem) throw new DirectoryError(problem);
	};

	/** Inserts events checked against everything committed, in one transaction; the state shows them after COMMIT. */
	const write = (events: DirectoryEvent[], onlyIfEmpty: boolean) =>
		inTransaction(pool, async (client) => {
			await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, LOCKS.directory]);
			await applyNewer(client);
			if (onlyIfEmpty && state.orgs.size > 0) return undefined;
			check(events, onlyIfEmpty);
			const { rows } = await client.query<{ seq: string }>(
				'INSERT INTO directory_events (event) SELECT event FROM unnest($1::jsonb[]) WITH ORDINALITY AS batch(event, n) ORDER BY n RETURNING seq',
				[events.map((e) => JSON.stringify(e))]
			);
			return rows.map((r) => Number(r.seq));
		}).then((sequences) => {
			if (!sequences) return false;
			applied = Math.max(applied, ...sequences);
			for (const event of events) {
				state.apply(event);
				listeners.tell(event, true);
			}
			return true;
		});

	const failure = (what: string) => (error: unknown) => {
		throw unavailable(error, what);
	};

	await applyNewer(pool).catch(failure('Reading the directory'));
	return {
		...directoryReads(state, options.personalDocumentId),
		commit: (event) => serial(() => write([event], false).catch(failure('Saving a directory change'))).then(() => {}),
		seedIfEmpty: (events) => serial(async () => (state.orgs.size > 0 ? false : write(await events(), true).catch(failure('Loading the first directory')))),
		catchUp: () => serial(() => applyNewer(pool).catch(failure('Reading the directory'))),
		appliedSequence: () => applied,
		watch: listeners.watch,
		async close() {
			closed = true;
			await queue;
		}
	};
}
