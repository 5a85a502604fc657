// Where the relay keeps its directory and documents, chosen once by configuration: DATA_DIR's files (the default,
// nothing to install), or PostgreSQL when DATABASE_URL is set, shared by every relay node started with the same URL.
// The relay, the admin command and the tests open them here and nowhere else.
//
// With PostgreSQL, the token signing key is in the database too (a token issued by one node is valid on every node,
// and each person's own document has the same id on all): the first node to start stores DATA_DIR/token-key if it
// has one (so a single relay moved onto PostgreSQL keeps its sessions), else a new key. DATA_DIR still holds what
// each node keeps for itself (its lock, the admin socket, and the file chunks unless S3_* puts them in a bucket).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { personalDocumentIds } from '../directory/personal-documents.ts';
import { openJournalStore, type DirectoryStore } from '../directory/store.ts';
import { loadTokenKey } from '../auth/tokens.ts';
import { lockDataDir } from './data-lock.ts';
import type { DocumentStore } from './document-store.ts';
import type { OneTimeStores } from '../sso/one-time-store.ts';

export interface RelayStores {
	directory: DirectoryStore;
	/** Signs tokens and derives each person's own document id. */
	tokenKey: Buffer;
	/**
	 * The documents in the shared database; undefined when they stay in DATA_DIR, where the sync relay opens its own
	 * log (openRelayDocumentStore, with the engine's copies for compaction).
	 */
	sharedDocuments?: (initialStorageId?: string) => Promise<DocumentStore>;
	/** Where single sign-on's one-time values wait when every node must see them (PostgreSQL); else its memory. */
	sharedOneTime?: (now: () => number) => OneTimeStores;
	/** For the start-up line: "DATA_DIR /srv/caseroom" or "PostgreSQL db.lan:5432/caseroom". */
	where: string;
	close(): Promise<void>;
}

export interface RelayStoresOptions {
	/** Who holds DATA_DIR, for the message a second relay or admin command sees. */
	holder?: string;
	log?: (message: string) => void;
}

export async function openRelayStores(config: Pick<Config, 'dataDir' | 'databaseUrl'>, options: RelayStoresOptions = {}): Promise<RelayStores> {
	const { dataDir, databaseUrl } = config;
	const log = options.log ?? ((m: string) => console.warn(m));
	if (!databaseUrl) {
		const tokenKey = loadTokenKey(dataDir);
		const directory = openJournalStore(dataDir, { holder: options.holder, warn: log, personalDocumentId: personalDocumentIds(tokenKey) });
		return { directory, tokenKey, where: `DATA_DIR ${dataDir}`, close: () => directory.close() };
	}

	mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	const lock = lockDataDir(dataDir, options.holder);
	try {
		const initialKey = () => (existsSync(join(dataDir, 'token-key')) ? loadTokenKey(dataDir) : randomBytes(32));
		const stores = await openDatabaseStores(databaseUrl, { initialKey, log });
		return { ...stores, close: () => closeAll([() => lock.release(), () => stores.close()]) };
	} catch (error) {
		lock.release();
		throw error;
	}
}

export interface DatabaseStoresOptions {
	/** The token key to store if the database has none yet (the first node's, or the migrated relay's). */
	initialKey: () => Buffer;
	log: (message: string) => void;
}

/**
 * The stores in PostgreSQL alone, taking no DATA_DIR lock (the caller holds what it needs): the relay through
 * openRelayStores, and `migrate`, which holds the source relay's DATA_DIR. `sharedDocuments(storageId)` stores that
 * storage id if the database has none yet (migrate keeps the relay's, so clients know the data).
 */
export async function openDatabaseStores(databaseUrl: string, options: DatabaseStoresOptions): Promise<RelayStores & Required<Pick<RelayStores, 'sharedDocuments'>>> {
	const { log } = options;
	const undo: (() => unknown)[] = [];
	try {
		// Loaded only here: a relay on DATA_DIR never loads pg.
		const [{ openDatabase, sharedSetting, unavailable }, { openPostgresDirectory }, { openPostgresDocumentStore }, { postgresOneTimeStores }] = await Promise.all([
			import('./postgres-database.ts'),
			import('../directory/postgres-store.ts'),
			import('./postgres-document-store.ts'),
			import('../sso/postgres-one-time-store.ts')
		]);
		const database = await openDatabase(databaseUrl, { log });
		undo.push(() => database.close());
		const initialKey = () => options.initialKey().toString('base64');
		const tokenKey = Buffer.from(await sharedSetting(database.pool, 'token-key', initialKey).catch((error: unknown) => Promise.reject(unavailable(error, 'Reading the token key'))), 'base64');
		const directory = await openPostgresDirectory(database.pool, { personalDocumentId: personalDocumentIds(tokenKey) });
		undo.push(() => directory.close());
		return {
			directory,
			tokenKey,
			sharedDocuments: (initialStorageId?: string) => openPostgresDocumentStore({ pool: database.pool, log, initialStorageId }),
			sharedOneTime: (now) => postgresOneTimeStores(database.pool, now),
			where: `PostgreSQL ${database.where}`,
			close: () => closeAll(undo)
		};
	} catch (error) {
		await closeAll(undo);
		throw error;
	}
}

/** Runs the undo steps last first (the directory before the database, the database before the lock). */
async function closeAll(steps: (() => unknown)[]): Promise<void> {
	for (const step of steps.splice(0).reverse()) await step();
}
