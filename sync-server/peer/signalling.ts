// PeerJS signalling (the `peer` package's ExpressPeerServer) on the relay's own HTTP server, at /peerjs.
// The peer server's WebSocket server is created with noServer, so it never listens on 'upgrade' itself (where it
// would fight /sync); the relay routes /peerjs upgrades here after checking that the PeerJS `token` is a valid
// Caseroom token and the peer id is `<userId>-<random>`: nobody can speak as someone else's peer. Every frame then
// passes the signal gate (gate.ts): an offer reaches its callee only when both are members of the conversation
// it names, so only members can join a conversation's call.
// The peer package and its Express are loaded on the first /peerjs request or accepted upgrade, not at start: the
// app opens /peerjs only for a call or a file, and loading them costs the relay's start about a quarter of its time
// and ~7 MB at rest (docs/figures.md); the first caller waits for that load once (tens of milliseconds).
// With a node bus (REDIS_URL), a frame for a peer id held by another relay node goes there (peer-routes.ts) and
// passes that node's gate too.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { UserId } from '../../src/lib/model/ids.ts';
import { MAX_SIGNAL_BYTES } from '../config.ts';
import { refuseUpgrade, sendError, upgradeAbandoned } from '../http/http-util.ts';
import type { NodeBus } from '../cluster/node-bus.ts';
import { createSignalGate, userOfPeerId } from './gate.ts';
import { peerIdBelongsTo } from './ids.ts';
import { createPeerRoutes, type PeerFrame } from './peer-routes.ts';
import { createSocketLimiter, type BucketSpec } from '../http/rate-limit.ts';
import { errorField, errorWithStack, silentLog, type Log } from '../ops/log.ts';
import { POLICY_VIOLATION, rawSize } from '../sync/sockets.ts';

export const PEERJS_PATH = '/peerjs';
/** Longest a new peer waits for the node bus before its OPEN (Redis away: it is reachable on this node only). */
const HOLD_WAIT_MS = 1000;
const UNAVAILABLE = 'Call signalling is not available on this relay right now: try again in a minute.';

interface ExpressApp {
	(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
	use(app: unknown): void;
	disable(setting: string): void;
}

/** The peer package's server: the Express app serving its HTTP endpoint, and its WebSocket server. */
interface PeerServer {
	root: ExpressApp;
	wss: WebSocketServer;
}

export interface PeerSignalling {
	handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
	disconnectUser(userId: UserId): void;
	/** These people were removed from the conversation: its connections involving them end on both sides now. */
	revoke(userIds: UserId[], conversationId: string): void;
	connectionCount(): number;
	close(): void;
}

export function createPeerSignalling(options: {
	/** The relay's server: the peer package insists on one, though its WebSocket server is detached from it. */
	server: Server;
	/** The signed-in user behind a token, or null (on several relay nodes, possibly after catching up with the others). */
	authenticate(token: string): Promise<UserId | null>;
	/** This user is a member of this conversation (the relay's ACL). */
	mayRead(userId: UserId, documentId: string): boolean;
	trustProxy: boolean;
	/** Frames and bytes one socket may send; over either, it is closed with 1008. Unlimited when omitted. */
	socketLimits?: { messages: BucketSpec; bytes: BucketSpec };
	/** Counts an upgrade refused with this status (ops/metrics.ts). */
	answered?(kind: 'peerjs', status: number): void;
	/** The other relay nodes (REDIS_URL): frames for peers connected to them go through it. */
	bus?: NodeBus;
	log?: Log;
}): PeerSignalling {
	const log = options.log ?? silentLog;
	const sockets = new Map<WebSocket, UserId>();
	const peerOfSocket = new Map<WebSocket, string>();
	const gate = createSignalGate(options.mayRead);
	/** Live sockets per peer id: PeerJS's reconnect opens a new socket for the same id before the old one closes. */
	const socketsOfPeer = new Map<string, number>();
	/** The socket the peer server hands a peer id's frames to (its latest one with the first token), and that token. */
	const holders = new Map<string, { ws: WebSocket; token: string }>();
	const socketsOf = (peerId: string) => [...peerOfSocket].filter(([, id]) => id === peerId).map(([ws]) => ws);
	const routes =
		options.bus &&
		createPeerRoutes({
			bus: options.bus,
			receive(frame) {
				const holder = holders.get(frame.dst);
				if (!holder) return false;
				const decision = gate.check(frame.src, userOfPeerId(frame.src), JSON.stringify(frame));
				if (decision.action === 'refuse') routes!.send(decision.reply);
				if (decision.action !== 'forward') return false;
				holder.ws.send(JSON.stringify(frame));
				return true;
			},
			tell: (frame) => holders.get(frame.dst)?.ws.send(JSON.stringify(frame)),
			moved(peerId) {
				log.info({ peer: peerId }, 'PeerJS: this peer reconnected to another relay node: closing its socket here');
				for (const ws of socketsOf(peerId)) ws.terminate();
			},
			taken(peerId) {
				log.info({ peer: peerId }, 'PeerJS: this peer id is held on another relay node with another token: ID-TAKEN');
				for (const ws of socketsOf(peerId)) {
					ws.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
					ws.close();
				}
			},
			log
		});
	let loading: Promise<PeerServer> | undefined;
	let closed = false;
	let connections = 0;
	/** The peer server, loaded on first use; a failed load is logged and tried again by the next caller. */
	const peerServer = () =>
		(loading ??= startPeerServer({ ...options, log }).catch((err: unknown) => {
			loading = undefined;
			log.error({ err: errorWithStack(err) }, 'PeerJS: the peer server could not start');
			throw err;
		}));

	function accept(wss: WebSocketServer, ws: WebSocket, req: IncomingMessage, peerId: string, token: string, userId: UserId, connectionLog: Log) {
		connectionLog.debug({}, 'PeerJS socket opened');
		sockets.set(ws, userId);
		peerOfSocket.set(ws, peerId);
		socketsOfPeer.set(peerId, (socketsOfPeer.get(peerId) ?? 0) + 1);
		// As the peer server: a socket with the same token takes the peer id over, one with another is refused.
		const holder = holders.get(peerId);
		let reachable: Promise<void> | undefined;
		if (!holder || holder.token === token) {
			holders.set(peerId, { ws, token });
			if (!holder) reachable = routes?.hold(peerId, token);
		}
		ws.on('close', () => {
			connectionLog.debug({}, 'PeerJS socket closed');
			sockets.delete(ws);
			peerOfSocket.delete(ws);
			if (holders.get(peerId)?.ws === ws) {
				holders.delete(peerId);
				routes?.release(peerId);
			}
			const left = (socketsOfPeer.get(peerId) ?? 1) - 1;
			if (left > 0) socketsOfPeer.set(peerId, left);
			else {
				socketsOfPeer.delete(peerId);
				gate.forget(peerId);
			}
		});
		gatekeep(ws, peerId, userId, connectionLog);
		if (!reachable) return void wss.emit('connection', ws, req);
		// OPEN once peers on other nodes can reach this one (its topic subscribed), or HOLD_WAIT_MS if the bus lags.
		void Promise.race([reachable, new Promise((resolve) => setTimeout(resolve, HOLD_WAIT_MS).unref?.())]).then(() => {
			if (ws.readyState === ws.OPEN) wss.emit('connection', ws, req);
		});
	}

	/** The peer package reads frames through the socket's 'message' event: only what the gate allows reaches it. */
	/** The frame as the peer server would pass it on, when it is for a peer id not held here; else null. */
	function frameForElsewhere(src: string, raw: string): PeerFrame | null {
		const { type, dst, payload } = JSON.parse(raw) as { type: string; dst?: unknown; payload?: unknown };
		return typeof dst === 'string' && !holders.has(dst) ? { type, src, dst, payload } : null;
	}

	function gatekeep(ws: WebSocket, peerId: string, userId: UserId, connectionLog: Log) {
		const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
		const limiter = options.socketLimits && createSocketLimiter(options.socketLimits);
		let flooded = false;
		ws.emit = ((event: string | symbol, ...args: unknown[]) => {
			if (event !== 'message') return emit(event, ...args);
			if (flooded) return false;
			if (limiter && !limiter.take(rawSize(args[0] as RawData)).allowed) {
				flooded = true;
				connectionLog.warn({}, 'PeerJS: closing a socket: it sends faster than its limit');
				ws.close(POLICY_VIOLATION, 'sending too fast');
				ws.pause(); // what is still in the pipe is not parsed
				setTimeout(() => ws.terminate(), 1000).unref?.();
				return false;
			}
			const raw = String(args[0]);
			const decision = gate.check(peerId, userId, raw);
			if (decision.action === 'forward') {
				const remote = routes && frameForElsewhere(peerId, raw);
				if (!remote) return emit(event, ...args);
				routes.send(remote);
				return false;
			}
			if (decision.action === 'refuse') {
				connectionLog.info({ to: decision.reply.src }, 'PeerJS: refused an offer: not both members of the conversation it names');
				ws.send(JSON.stringify(decision.reply));
			}
			return false;
		}) as WebSocket['emit'];
	}

	return {
		async handleRequest(req, res) {
			// Only the server's description is served over HTTP: the app's peers name their own ids (no /id), and
			// discovery is off. Anything else gets the relay's JSON error, not express's HTML or plain-text pages.
			const pathname = new URL(req.url ?? '/', 'http://relay').pathname;
			if (!(pathname === PEERJS_PATH || pathname === `${PEERJS_PATH}/`) || (req.method !== 'GET' && req.method !== 'HEAD'))
				return sendError(res, 404, `There is no signalling endpoint at ${pathname}: call signalling goes over the WebSocket.`);
			const peer = await peerServer().catch(() => null);
			if (!peer) return sendError(res, 503, UNAVAILABLE);
			peer.root(req, res, (err?: unknown) => {
				if (res.headersSent) return void res.destroy();
				if (err) sendError(res, 400, 'The signalling server could not read this request.');
				else sendError(res, 404, `There is no signalling endpoint at ${pathname}.`);
			});
		},
		async handleUpgrade(req, socket, head) {
			const params = new URL(req.url ?? '/', 'http://relay').searchParams;
			const token = params.get('token') ?? '';
			const peerId = params.get('id') ?? '';
			const userId = await options.authenticate(token);
			const conn = `p${(++connections).toString(36)}`;
			const refuse = (status: number, reason: string, error?: string) => {
				options.answered?.('peerjs', status);
				log.info({ conn, status }, `Refusing a PeerJS socket: ${reason}`);
				refuseUpgrade(socket, status, error);
			};
			const shuttingDown = () => refuse(503, 'shutting down', 'The relay is shutting down.');
			// A catch-up for the token takes a moment: the relay may be closing by now (and must not load the peer server).
			if (closed) return shuttingDown();
			if (!userId || !peerIdBelongsTo(peerId, userId, '-')) return refuse(401, 'no valid token, or a peer id not its own');
			const peer = await peerServer().catch(() => null);
			if (!peer) return refuse(503, 'the peer server is not available', UNAVAILABLE);
			// The first load takes a moment too: the relay may be closing by now, the person disabled, the client gone.
			if ((await options.authenticate(token)) !== userId) return refuse(401, 'the token stopped being valid');
			if (closed) return shuttingDown();
			if (upgradeAbandoned(socket)) return log.debug({ conn }, 'PeerJS socket gone before it was authenticated');
			const connectionLog = log.child({ conn, user: userId, peer: peerId });
			peer.wss.handleUpgrade(req, socket, head, (ws) => accept(peer.wss, ws, req, peerId, token, userId, connectionLog));
		},
		disconnectUser(userId) {
			for (const [ws, owner] of sockets) if (owner === userId) ws.terminate();
		},
		revoke(userIds, conversationId) {
			// PeerJS's LEAVE makes a client close every connection with that peer, media and data alike: the
			// remaining member's app hangs up on the removed one even if the removed one's app would not.
			const tell = (to: string, from: string) => {
				for (const [ws, peerId] of peerOfSocket) if (peerId === to) ws.send(JSON.stringify({ type: 'LEAVE', src: from, dst: to }));
			};
			for (const [a, b] of gate.revoke(userIds, conversationId)) {
				tell(a, b);
				tell(b, a);
			}
		},
		connectionCount: () => sockets.size,
		close() {
			closed = true;
			void routes?.close();
			for (const ws of sockets.keys()) ws.terminate();
			void loading?.then(({ wss }) => wss.close(), () => {});
		}
	};
}

async function startPeerServer(options: { server: Server; trustProxy: boolean; log: Log }): Promise<PeerServer> {
	const { ExpressPeerServer } = await import('peer');
	/** The express that `peer` itself depends on (it is peer's dependency, not ours; it has no types here). */
	const peerExpress = createRequire(import.meta.resolve('peer'))('express') as () => ExpressApp;
	let wss: WebSocketServer | undefined;
	const app = ExpressPeerServer(options.server, {
		path: PEERJS_PATH,
		key: 'peerjs',
		allow_discovery: false,
		proxied: options.trustProxy,
		createWebSocketServer: () => (wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_BYTES }))
	});
	// Malformed messages surface as 'error'; without a listener they would crash the process.
	// A frame that is not JSON: Node's message would quote the frame, so only the kind of error is logged.
	app.on('error', (err: Error) => options.log.warn({ err: err instanceof SyntaxError ? 'not valid JSON' : errorField(err) }, 'PeerJS: a socket sent something the peer server refused'));
	// Mounting is what makes the peer server build its routes and WebSocket server (its 'mount' hook).
	const root = peerExpress();
	root.disable('x-powered-by');
	root.use(app);
	if (!wss) throw new Error('The peer package did not create its WebSocket server (peer version changed?).');
	return { root, wss };
}
