// Where a relay on DATA_DIR keeps its documents: the group-committed log in DATA_DIR/automerge (log-store.ts), the
// one place that says so for the relay, the admin command and the benchmarks (with DATABASE_URL they are in
// PostgreSQL instead: relay-stores.ts).
import path from 'node:path';
import { openLogStore, type LogStore, type LogStoreOptions } from './log-store.ts';

export const openRelayDocumentStore = (dataDir: string, options: Omit<LogStoreOptions, 'directory'> = {}): Promise<LogStore> =>
	openLogStore({ directory: path.join(dataDir, 'automerge'), ...options });
