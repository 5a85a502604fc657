// The relay's connection to PostgreSQL (DATABASE_URL): one pool shared by the directory and the document store,
// the schema brought up to date before anything reads it, and the small helpers every PostgreSQL store uses
// (a setting shared by every node, telling a lost connection from other errors). Loaded only when DATABASE_URL is set.
import pg, { type Pool } from 'pg';
import { migrate } from './postgres-schema.ts';
import { StoreUnavailable } from './store-unavailable.ts';

export interface Database {
	pool: Pool;
	/** host:port/database, without credentials, for log lines. */
	where: string;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	log?: (message: string) => void;
	/** Connections this node opens at most (default 10). */
	maxConnections?: number;
}

export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<Database> {
	const log = options.log ?? (() => {});
	const where = describeUrl(url);
	const pool = new pg.Pool({
		connectionString: url,
		max: options.maxConnections ?? 10,
		// An unreachable database answers a query with an error within this, rather than holding it for ever.
		connectionTimeoutMillis: 10_000,
		application_name: 'caseroom-relay'
	});
	// An idle connection the server closed (a restart): the pool drops it and opens another for the next query.
	pool.on('error', (error) => log(`A PostgreSQL connection to ${where} closed (${error.message}); the next query opens another.`));
	try {
		const applied = await migrate(pool);
		if (applied.length > 0) log(`PostgreSQL ${where}: applied schema migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')}.`);
	} catch (error) {
		await pool.end().catch(() => {});
		throw isUnreachable(error) ? new StoreUnavailable(`PostgreSQL at ${where} cannot be reached (${describeError(error)}). Start it, or correct DATABASE_URL.`, { cause: error }) : error;
	}
	let closing: Promise<void> | undefined;
	return { pool, where, close: () => (closing ??= pool.end()) };
}

/** A value every node shares: the first node to ask stores `initial()`, every node (that one too) reads the same. */
export async function sharedSetting(pool: Pool, name: string, initial: () => string): Promise<string> {
	await pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, initial()]);
	const { rows } = await pool.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name]);
	return rows[0]!.value;
}

/**
 * The database could not be reached, or the connection broke: refused or reset sockets, a timeout, a server shutting
 * down or starting (SQLSTATE 57P01-57P03) and connection exceptions (class 08). Anything else it reported (a
 * constraint, a syntax error) or our own code threw is another matter.
 */
export function isUnreachable(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	const code = (error as { code?: unknown }).code;
	if (error instanceof pg.DatabaseError) return /^(57P0[1-3]|08)/.test(code as string);
	if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true;
	// pg's own, thrown as plain Errors (a subclass is someone else's, DirectoryError say).
	return error.constructor === Error && /connection terminated|timeout|not queryable|after calling end/i.test(error.message);
}

/** `error` as StoreUnavailable when it is one of reaching the database (with what failed, in a few words); else as is. */
export function unavailable(error: unknown, what: string): unknown {
	return isUnreachable(error) && !(error instanceof StoreUnavailable) ? new StoreUnavailable(`${what}: the database cannot be reached (${describeError(error)}).`, { cause: error }) : error;
}

export function describeError(error: unknown): string {
	const code = (error as { code?: unknown })?.code;
	const message = error instanceof Error ? error.message : String(error);
	return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function describeUrl(url: string): string {
	try {
		const parsed = new URL(url);
		const host = parsed.searchParams.get('host') ?? (parsed.hostname || 'localhost');
		return `${host}:${parsed.port || 5432}${parsed.pathname || '/'}`;
	} catch {
		return 'DATABASE_URL';
	}
}
