// Caseroom's sync relay (createSyncRelay, durable storage, access checks) in its own process, for the benchmarks.
// The directory is replaced by an in-memory ACL that the benchmark fills through POST /grant, so that clients of
// any name can be members; every message still passes the relay's access checks.
// Usage: node --import tsx bench/relays/caseroom-relay.ts <dataDir>; prints "listening <port>". GET /stats: the
// engine's documents in memory and joined peers. SYNC_IDLE_UNLOAD_SECONDS, as for the product: how long a document
// nobody has open stays in memory (default 60; the churn figure passes a shorter one). DATABASE_URL: documents in
// PostgreSQL instead of DATA_DIR (the postgres figures). REDIS_URL with it: one node of several, passing changes and
// live messages to the others through Redis (the nodes figures; grant on every node).
// The relay counts its metrics as a relay with METRICS_TOKEN does (ops/metrics.ts), so their cost is in every
// figure; BENCH_RELAY_METRICS=0 leaves them out, to measure that cost.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asUserId } from '../../src/lib/model/ids.ts';
import { createRelayMetrics } from '../../sync-server/ops/metrics.ts';
import { createSyncRelay } from '../../sync-server/sync/relay.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: caseroom-relay.ts <dataDir>');
const acl = new Map<string, Set<string>>();
const idleSeconds = process.env.SYNC_IDLE_UNLOAD_SECONDS;
// DATABASE_URL: the documents in PostgreSQL (the relay's shared store), loaded only then, as the relay does.
const databaseUrl = process.env.DATABASE_URL;
const store = databaseUrl ? await openSharedDocuments(databaseUrl) : undefined;
const bus = process.env.REDIS_URL ? await (await import('../../sync-server/cluster/redis-bus.ts')).openRedisBus({ url: process.env.REDIS_URL }) : undefined;
const relay = await createSyncRelay({
	dataDir,
	store,
	bus,
	idleUnloadMs: idleSeconds ? Number(idleSeconds) * 1000 : undefined,
	maxMessageBytes: 16 * 1024 * 1024,
	meter: process.env.BENCH_RELAY_METRICS === '0' ? undefined : createRelayMetrics(),
	access: {
		authenticate: async (token) => (/^t-[a-z0-9-]+$/.test(token) ? asUserId(token.slice(2)) : null),
		mayRead: (userId, documentId) => acl.get(documentId)?.has(userId) ?? false
	}
});
const server = http.createServer((req, res) => {
	if (req.method === 'GET' && req.url === '/stats') {
		const m = process.memoryUsage();
		const mb = (n: number) => Math.round(n / 1e5) / 10;
		return res.writeHead(200).end(JSON.stringify({ ...relay.stats(), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) }));
	}
	if (req.method !== 'POST' || req.url !== '/grant') return res.writeHead(200).end('ok');
	let body = '';
	req.on('data', (d) => (body += d));
	req.on('end', () => {
		const grants = JSON.parse(body) as { documentId: string; users: string[] }[];
		for (const { documentId, users } of grants) acl.set(documentId, new Set([...(acl.get(documentId) ?? []), ...users]));
		relay.accessChanged(grants.map((g) => g.documentId));
		res.writeHead(204).end();
	});
});
server.on('upgrade', (req, socket, head) => {
	socket.on('error', () => socket.destroy());
	relay.handleUpgrade(req, socket, head);
});
process.on('SIGTERM', () => void relay.close().then(() => bus?.close()).then(() => process.exit(0)));
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));

async function openSharedDocuments(url: string) {
	const [{ openDatabase }, { openPostgresDocumentStore }] = await Promise.all([import('../../sync-server/storage/postgres-database.ts'), import('../../sync-server/storage/postgres-document-store.ts')]);
	return openPostgresDocumentStore({ pool: (await openDatabase(url)).pool });
}
