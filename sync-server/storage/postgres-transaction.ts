// A transaction on one pooled PostgreSQL connection, the one shape every PostgreSQL store writes in.
import type { Pool, PoolClient } from 'pg';

/**
 * Runs `task` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it throws (and the
 * error goes on). A connection that broke is dropped from the pool rather than handed to the next caller.
 */
export async function inTransaction<T>(pool: Pool, task: (client: PoolClient) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	let broken = false;
	// The pool listens for errors of idle connections only: one that breaks between two statements must not go
	// unheard (an 'error' nobody listens to ends the process); the next statement fails, and the task with it.
	const onError = () => (broken = true);
	client.on('error', onError);
	try {
		await client.query('BEGIN');
		const result = await task(client);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => (broken = true));
		throw error;
	} finally {
		client.removeListener('error', onError);
		client.release(broken);
	}
}
