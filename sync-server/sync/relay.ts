// /sync: the relay's WebSocket endpoint. Authenticates the upgrade, reads every frame through the wire parser, and
// hands it to the sync engine, which serves each document only to the users who may read it, never tells anyone of
// a document they have not asked about, and acknowledges a change only once it is on disk. Given the node bus, it
// shares its documents with the other relay nodes (cluster/document-fanout.ts).
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type stream from 'node:stream';
import type { PeerId } from '@automerge/automerge-repo/slim';
import { WebSocketServer } from 'ws';
import type { UserId } from '../../src/lib/model/ids.ts';
import { createDocumentFanout } from '../cluster/document-fanout.ts';
import type { NodeBus } from '../cluster/node-bus.ts';
import { refuseUpgrade, upgradeAbandoned } from '../http/http-util.ts';
import type { BucketSpec } from '../http/rate-limit.ts';
import { errorField, silentLog, type Log } from '../ops/log.ts';
import type { DocumentStore } from '../storage/document-store.ts';
import type { LogStoreMeter } from '../storage/log-store.ts';
import { openRelayDocumentStore } from '../storage/relay-document-store.ts';
import { SyncEngine, type EngineStats, type SyncMeter } from './engine.ts';
import { SyncSockets } from './sockets.ts';
import { parseClientFrame } from './wire.ts';

export interface SyncAccess {
	/** The signed-in user behind a token, or null (on several relay nodes, possibly after catching up with the others). */
	authenticate(token: string): Promise<UserId | null>;
	/** This user may read and write this document. */
	mayRead(userId: UserId, documentId: string): boolean;
}

export interface SyncRelay {
	/**
	 * Path /sync, token in the `token` query parameter; a missing or bad token gets a raw 401. The check may take a
	 * database round trip (a token from another relay node): a client gone meanwhile is let go, one arriving while
	 * the relay closes gets 503.
	 */
	handleUpgrade(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer): void;
	/** A conversation was registered, or members or documents were added: start serving who may now read. */
	accessChanged(documentIds: string[]): void;
	/** These users were removed from the conversation these documents belong to: nothing of them reaches them now. */
	accessRevoked(userIds: UserId[], documentIds: string[]): void;
	/** Tells these people's open devices, on their own documents, something the relay says itself (engine.tell). */
	tell(notices: readonly { userId: UserId; documentId: string }[], message: unknown): void;
	/** Closes every socket of this user at once. */
	disconnectUser(userId: UserId): void;
	connectionCount(): number;
	/** Documents, peers and sync states in memory, for the metrics and the benchmarks. */
	stats(): EngineStats;
	/** What the relay keeps of every document (the admin command's report reads it too). */
	readonly documents: DocumentStore;
	close(): Promise<void>;
}

export interface SyncRelayOptions {
	dataDir: string;
	access: SyncAccess;
	maxMessageBytes: number;
	/** What one socket may send; over it, the socket is closed with 1008 (policy). Unlimited when omitted. */
	socketLimits?: { messages: BucketSpec; bytes: BucketSpec };
	/** A document nobody connected has open leaves memory after this long (default 60 s). */
	idleUnloadMs?: number;
	/** The relay's keepalive ping interval (a socket silent for two of them is dropped). */
	keepAliveMs?: number;
	/** Instead of the store in DATA_DIR (the shared database's, or a test's). */
	store?: DocumentStore;
	/** The other relay nodes (REDIS_URL): what each makes durable, and live messages, reach the others' members. */
	bus?: NodeBus;
	/** The relay's metrics (ops/metrics.ts): the engine's and the document log's, and refused upgrades. */
	meter?: SyncRelayMeter;
	log?: Log;
}

export interface SyncRelayMeter extends SyncMeter, LogStoreMeter {
	/** An upgrade refused with this status (no token, a bad one, shutting down). */
	answered(kind: 'sync', status: number): void;
}

export async function createSyncRelay(options: SyncRelayOptions): Promise<SyncRelay> {
	const { access, meter, log = silentLog } = options;
	const warn = (message: string) => log.warn({}, message);
	// Compaction saves the documents the engine holds rather than loading them again.
	let running: SyncEngine | undefined;
	const ownStore =
		options.store ??
		(await openRelayDocumentStore(options.dataDir, { snapshotOf: (id) => running?.snapshotOf(id), log: warn, meter }));
	const fanout = options.bus && createDocumentFanout({ bus: options.bus, store: ownStore, log: warn });
	const store = fanout?.store ?? ownStore;
	let connections = 0;
	const sockets: SyncSockets = new SyncSockets({
		onMessage(connection, data, isBinary) {
			if (!isBinary || !(data instanceof Uint8Array)) return sockets.drop(connection);
			const frame = parseClientFrame(data);
			if (frame.kind === 'invalid') {
				connection.log.warn({ reason: frame.reason }, 'Dropping a sync socket: a frame it sent is not valid');
				return sockets.drop(connection);
			}
			engine.receive(connection, frame);
		},
		onClosed(connection) {
			connection.log.debug({}, 'Sync socket closed');
			engine.disconnected(connection);
		},
		keepAliveMs: options.keepAliveMs,
		limits: options.socketLimits
	});
	const engine = new SyncEngine({
		store,
		mayRead: access.mayRead,
		send: (connection, frame) => sockets.send(connection, frame),
		drop(connection, reason) {
			connection.log.warn({ reason }, 'Dropping a sync socket');
			sockets.drop(connection);
		},
		refuse(connection, reason) {
			connection.log.info({ reason }, 'Refusing a sync socket');
			sockets.closeForPolicy(connection, reason);
		},
		relayPeerId: `relay-${randomBytes(6).toString('hex')}` as PeerId,
		idleUnloadMs: options.idleUnloadMs ?? 60_000,
		durable: fanout?.durable,
		live: fanout?.live,
		unloaded: fanout?.unloaded,
		meter,
		log: warn
	});
	running = engine;
	fanout?.attach(engine);
	sockets.startKeepAlive();
	const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
	wss.on('error', (error) => log.warn({ err: errorField(error) }, 'Sync WebSocket server error'));
	let closing: Promise<void> | undefined;

	return {
		handleUpgrade(req, socket, head) {
			const conn = `s${(++connections).toString(36)}`;
			const refuse = (status: 401 | 503) => {
				meter?.answered('sync', status);
				log.info({ conn, status }, status === 503 ? 'Refusing a sync socket: shutting down' : 'Refusing a sync socket: no valid token');
				return status === 503 ? refuseUpgrade(socket, 503, 'The relay is shutting down.') : refuseUpgrade(socket, 401);
			};
			if (closing) return refuse(503);
			void authenticate(access, req, log.child({ conn })).then((userId) => {
				// The check may have waited for a catch-up: meanwhile the client may have gone, or the relay begun closing.
				if (upgradeAbandoned(socket)) return log.debug({ conn }, 'Sync socket gone before it was authenticated');
				if (closing) return refuse(503);
				if (!userId) return refuse(401);
				wss.handleUpgrade(req, socket, head, (ws) => {
					const connectionLog = log.child({ conn, user: userId });
					ws.on('error', (error) => connectionLog.warn({ err: errorField(error) }, 'Sync socket error'));
					if (closing) return ws.terminate();
					connectionLog.debug({}, 'Sync socket opened');
					sockets.add(ws, userId, connectionLog);
				});
			}).catch((error: unknown) => {
				log.warn({ conn, err: errorField(error) }, 'Sync upgrade failed');
				socket.destroy();
			});
		},
		accessChanged: (documentIds) => engine.accessChanged(documentIds),
		accessRevoked: (userIds, documentIds) => engine.accessRevoked(userIds, documentIds),
		tell: (notices, message) => engine.tell(notices, message),
		disconnectUser: (userId) => sockets.dropUser(userId),
		connectionCount: () => sockets.count(),
		stats: () => engine.stats(),
		documents: ownStore,
		close: () => (closing ??= shutdown())
	};

	async function shutdown(): Promise<void> {
		sockets.stop();
		for (const client of wss.clients) client.terminate();
		await new Promise<void>((resolve) => wss.close(() => resolve()));
		fanout?.close();
		// What was acknowledged is on disk already; the store finishes the flush under way.
		await store.close();
		engine.close();
	}
}

async function authenticate(access: SyncAccess, req: http.IncomingMessage, log: Log): Promise<UserId | null> {
	try {
		const token = new URL(req.url ?? '/', 'http://relay').searchParams.get('token');
		return token ? await access.authenticate(token) : null;
	} catch (error) {
		log.warn({ err: errorField(error) }, 'Sync authentication failed');
		return null;
	}
}
