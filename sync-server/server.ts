// The relay as a factory: one HTTP(S) server with the PWA, /health, /metrics, /api, /sync (automerge-repo) and
// /peerjs, the directory store, and the admin socket. Tests start it in-process on port 0; main.ts is a few lines around it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
// Imported, not read at run time: the compiled relay (build-relay/) sits elsewhere than this file.
import packageJson from '../package.json' with { type: 'json' };
import type { UserId } from '../src/lib/model/ids.ts';
import { runAdminCommand } from './admin/commands.ts';
import { listenForAdmin } from './admin/socket.ts';
import { filesElsewhere, runBackupCommand } from './backup/command.ts';
import { relayReportSource } from './report/report-source.ts';
import { openBlobStore } from './files/blob-store.ts';
import { createApiHandler, type AccessHooks } from './http/api.ts';
import type { Config } from './config.ts';
import { loadDemoDirectoryIfEmpty } from './directory/demo.ts';
import type { DirectoryStore } from './directory/store.ts';
import { openRelayStores } from './storage/relay-stores.ts';
import { clientAddress, discardBody, refuseUpgrade, requestScheme, sendError, sendJson } from './http/http-util.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { createPeerSignalling, PEERJS_PATH } from './peer/signalling.ts';
import { createRequestGuard } from './http/request-guard.ts';
import { createStaticHandler } from './http/static-files.ts';
import { createSyncRelay } from './sync/relay.ts';
import { createTokens } from './auth/tokens.ts';
import type { PersonalNotice } from '../src/lib/model/personal-schema.ts';
import { createSingleSignOn } from './sso/single-sign-on.ts';
import { createLog, errorField, errorWithStack, type Log } from './ops/log.ts';
import type { RelayMetrics } from './ops/metrics.ts';
import { serveMetrics } from './ops/metrics-endpoint.ts';
import { nextRequestId, observeRequest } from './ops/request-log.ts';

export interface RelayServer {
	/** e.g. http://127.0.0.1:3030 (localhost when listening on every interface). */
	url: string;
	port: number;
	config: Config;
	store: DirectoryStore;
	/** Where the directory and documents are kept: "DATA_DIR …" or "PostgreSQL host:port/database". */
	storage: string;
	close(): Promise<void>;
}

export interface RelayDeps {
	/** The clock for tokens and sign-in throttling (tests move it forward). */
	now?: () => number;
	/** JSON lines on standard output at config.logLevel unless given (tests pass silentLog, or one that collects). */
	log?: Log;
}

/** A refused request's body is read up to this much before the connection closes (the API's largest JSON body). */
const REFUSED_BODY_BYTES = 64 * 1024;

const VERSION = packageJson.version;

export async function createServer(config: Config, deps: RelayDeps = {}): Promise<RelayServer> {
	const now = deps.now ?? Date.now;
	const log = deps.log ?? createLog({ level: config.logLevel });
	const warn = (message: string) => log.warn({}, message);
	const startedAt = now();
	const cleanup: (() => unknown)[] = [];
	const undo = async () => {
		for (const step of cleanup.reverse()) await step();
	};
	try {
		const stores = await openRelayStores(config, { log: warn });
		cleanup.push(() => stores.close());
		const { directory: store, tokenKey: key } = stores;
		const personalDocumentId = (userId: UserId) => store.personalDocumentId(userId)!;
		if (await loadDemoDirectoryIfEmpty(store)) log.info({}, 'Loaded the demo directory: its accounts and their password are in the README.');
		// Loaded only when asked for: a relay without METRICS_TOKEN loads no prom-client and counts nothing.
		const metrics: RelayMetrics | undefined = config.metricsToken ? (await import('./ops/metrics.ts')).createRelayMetrics() : undefined;

		// On PostgreSQL, a token another node issued a moment ago may be newer than this node's directory: caught up first.
		const catchUp = config.databaseUrl
			? () => store.catchUp().catch((error: unknown) => warn(`Catching up with the directory for a token issued by another relay node failed: ${String(error)}`))
			: undefined;
		const tokens = createTokens({ key, ttlHours: config.tokenTtlHours, lookup: (id) => store.person(id), now, catchUp });
		const authenticate = async (token: string): Promise<UserId | null> => {
			const check = await tokens.check(token);
			return check.ok ? check.userId : null;
		};
		// Closed after sync and PeerJS (cleanup runs in reverse): its close waits for their upgraded sockets.
		const server = config.tls
			? https.createServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) })
			: http.createServer();
		cleanup.push(() => closeHttp(server));
		// REDIS_URL: how this node and the others tell each other what changed (loaded only then, as pg is).
		const bus = config.redisUrl ? await (await import('./cluster/redis-bus.ts')).openRedisBus({ url: config.redisUrl, log }) : undefined;
		if (bus) cleanup.push(() => bus.close());
		// Closed by the sync relay; here too in case the relay fails to start (a second close does nothing).
		const documents = await stores.sharedDocuments?.();
		if (documents) cleanup.push(() => documents.close());
		const sync = await createSyncRelay({
			dataDir: config.dataDir,
			store: documents,
			bus,
			access: { authenticate, mayRead: (userId, documentId) => store.mayRead(userId, documentId) },
			maxMessageBytes: config.syncMaxMessageBytes,
			idleUnloadMs: config.syncIdleUnloadMs,
			keepAliveMs: config.syncKeepAliveMs,
			socketLimits: { messages: config.limits.syncMessages, bytes: config.limits.syncBytes },
			meter: metrics,
			log
		});
		cleanup.push(() => sync.close());
		const peer = createPeerSignalling({ server, authenticate, mayRead: (userId, documentId) => store.mayRead(userId, documentId), trustProxy: config.trustProxy, socketLimits: { messages: config.limits.peerMessages, bytes: config.limits.peerBytes }, answered: metrics?.answered, bus, log });
		cleanup.push(() => peer.close());
		metrics?.watch({ connections: (kind) => (kind === 'sync' ? sync : peer).connectionCount(), engine: () => sync.stats(), bus: () => bus && { connected: bus.connected(), stats: bus.stats() } });
		// Tell, don't poll: everyone of a conversation whose membership changed hears it at once on their own document.
		const tellPeople = (conversationId: string | undefined, also: readonly UserId[] = []) => {
			const people = new Set([...(conversationId ? (store.conversation(conversationId)?.members ?? []) : []), ...also]);
			const notice: PersonalNotice = { type: 'conversations-changed' };
			sync.tell([...people].map((userId) => ({ userId, documentId: personalDocumentId(userId) })), notice);
		};
		const hooks: AccessHooks = {
			accessChanged(ids) {
				sync.accessChanged(ids);
				tellPeople(ids[0] === undefined ? undefined : store.conversationOf(ids[0])?.id);
			},
			accessRevoked(userIds, conversationId, documentIds) {
				sync.accessRevoked(userIds, documentIds);
				peer.revoke(userIds, conversationId);
				tellPeople(conversationId, userIds);
			},
			cutOff(userId) {
				sync.disconnectUser(userId);
				peer.disconnectUser(userId);
			}
		};
		// Another node's directory changes run the same hooks here (a removed member is cut off on every node).
		if (bus) cleanup.push(await (await import('./cluster/directory-fanout.ts')).linkDirectory({ bus, store, hooks, log: warn }));
		const blobs = openBlobStore(config);
		for (const provider of config.ssoProviders)
			for (const rule of provider.rules.filter((r) => !store.organisation(r.org)))
				warn(`Single sign-on: a rule of ${provider.id} names organisation "${rule.org}", which does not exist yet; nobody gets in by it until it is added.`);
		const sso = createSingleSignOn({ providers: config.ssoProviders, store, now, log: (message) => log.info({}, message), oneTime: stores.sharedOneTime?.(now) });
		const api = createApiHandler({ config, store, tokens, throttle: createLoginThrottle({ now }), hooks, now, blobs, sso, meter: metrics, log });
		const serveStatic = createStaticHandler(config.staticDir);
		const guard = createRequestGuard(config, now);
		const isApi = (p: string) => p === '/api' || p.startsWith('/api/');
		const isPeer = (p: string) => p === PEERJS_PATH || p.startsWith(`${PEERJS_PATH}/`);

		const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
			const pathname = pathOf(req);
			const address = clientAddress(req, config.trustProxy);
			const id = observeRequest(req, res, pathname, { log, address, answered: metrics && ((status) => metrics.answered('http', status)) });
			try {
				const refused = guard.request(req, pathname !== null && (isApi(pathname) || isPeer(pathname)));
				if (refused) {
					// Closing sheds a flooding client's keep-alive; a small body still coming is read first, or its
					// unread bytes would turn the close into a reset that loses the answer.
					await discardBody(req, REFUSED_BODY_BYTES);
					sendError(res, refused.status, refused.error, { ...refused.headers, connection: 'close' });
				} else if (pathname === null) sendJson(res, 400, { error: 'The address is not valid.' });
				else if (pathname === '/health')
					sendJson(res, 200, { ok: true, version: VERSION, uptimeSeconds: Math.round((now() - startedAt) / 1000), secure: requestScheme(req, config.trustProxy) === 'https', connections: sync.connectionCount() + peer.connectionCount() });
				else if (pathname === '/metrics') await serveMetrics(req, res, config.metricsToken, metrics);
				else if (isApi(pathname)) await api(req, res, pathname);
				else if (isPeer(pathname)) await peer.handleRequest(req, res);
				else if (pathname === '/sync') sendError(res, 426, 'This is the sync WebSocket: connect with a WebSocket client.', { upgrade: 'websocket' });
				else if (req.method !== 'GET' && req.method !== 'HEAD') sendError(res, 405, `${pathname} is a page of the app: it accepts GET and HEAD only.`, { allow: 'GET, HEAD' });
				else await serveStatic(req, res, pathname);
			} catch (err) {
				log.error({ req: id, path: pathname, err: errorWithStack(err) }, 'An HTTP request failed');
				if (!res.headersSent) sendJson(res, 500, { error: 'The relay failed to handle this request.' });
				else res.destroy();
			}
		};
		const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
			// A client vanishing mid-handshake must never crash the relay.
			socket.on('error', () => socket.destroy());
			const pathname = pathOf(req);
			const kind = pathname === '/sync' ? 'sync' : pathname?.startsWith(`${PEERJS_PATH}/`) ? 'peerjs' : null;
			if (!kind) return refuseUpgrade(socket, 404, 'There is no WebSocket endpoint here: use /sync or /peerjs.');
			const refused = guard.upgrade(req, socket, kind);
			if (refused) {
				metrics?.answered(kind, refused.status);
				const fields = { req: nextRequestId(), kind, status: refused.status, address: clientAddress(req, config.trustProxy) };
				// A flood's refusals are counted, not written one by one (as in request-log.ts).
				if (refused.status === 429) log.debug(fields, 'WebSocket upgrade refused');
				else log.info(fields, 'WebSocket upgrade refused');
				refuseUpgrade(socket, refused.status, refused.error, refused.headers);
			} else if (kind === 'sync') sync.handleUpgrade(req, socket, head);
			else
				peer.handleUpgrade(req, socket, head).catch((err: unknown) => {
					log.error({ err: errorWithStack(err) }, 'PeerJS upgrade failed');
					socket.destroy();
				});
		};

		server.on('request', (req, res) => void onRequest(req, res));
		server.on('upgrade', onUpgrade);
		// Requests Node's HTTP parser refuses (a broken request line, bad or oversized headers) get the relay's
		// JSON error too, instead of Node's bare status line.
		server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
			if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
			const [status, error] =
				err.code === 'HPE_HEADER_OVERFLOW'
					? [431, 'The request headers are too large.']
					: err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
						? [408, 'The request took too long to arrive.']
						: [400, 'The request is not valid HTTP.'];
			refuseUpgrade(socket, status, error);
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(config.port, config.host, () => resolve());
		});
		server.on('error', (err) => log.error({ err: errorField(err) }, 'HTTP server error'));

		const admin = await listenForAdmin(config.dataDir, (argv) =>
			runAdminCommand(argv, {
				store,
				cutOff: hooks.cutOff,
				accessRevoked: hooks.accessRevoked,
				now,
				reports: relayReportSource({ documents: sync.documents, directory: store, blobs }),
				backups: (command, folder) => runBackupCommand(command, folder, { dataDir: config.dataDir, documents: sync.documents, filesElsewhere: filesElsewhere(config), inDatabase: config.databaseUrl !== null })
			})
		);
		cleanup.push(() => admin.close());

		const port = (server.address() as AddressInfo).port;
		const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
		let closing: Promise<void> | undefined;
		return {
			url: `${config.tls ? 'https' : 'http'}://${host}:${port}`,
			port,
			config,
			store,
			storage: stores.where,
			close: () => (closing ??= undo())
		};
	} catch (err) {
		await undo();
		throw err;
	}
}

function pathOf(req: http.IncomingMessage): string | null {
	try {
		return new URL(req.url ?? '/', 'http://relay').pathname;
	} catch {
		return null;
	}
}

function closeHttp(server: http.Server | https.Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
