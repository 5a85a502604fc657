// PeerJS signalling (the `peer` package's ExpressPeerServer) on the relay's own HTTP server, at /peerjs.
// The peer server's WebSocket server is created with noServer, so it never listens on 'upgrade' itself (where it
// would fight /sync); the relay routes /peerjs upgrades here after checking that the PeerJS `token` is a valid
// Caseroom token and the peer id is `<userId>-<random>`: nobody can speak as someone else's peer. Every frame then
// passes the signal gate (gate.ts): an offer reaches its callee only when both are members of the conversation
// it names, so only members can join a conversation's call.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { UserId } from '../../src/lib/model/ids.ts';
import { MAX_SIGNAL_BYTES } from '../config.ts';
import { refuseUpgrade, sendError } from '../http/http-util.ts';
import { createSignalGate } from './gate.ts';
import { peerIdBelongsTo } from './ids.ts';
import { createSocketLimiter, type BucketSpec } from '../http/rate-limit.ts';
import { POLICY_VIOLATION, rawSize } from '../sync/sockets.ts';

export const PEERJS_PATH = '/peerjs';

interface ExpressApp {
	(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
	use(app: unknown): void;
	disable(setting: string): void;
}
/** The express that `peer` itself depends on (it is peer's dependency, not ours; it has no types here). */
const peerExpress = createRequire(import.meta.resolve('peer'))('express') as () => ExpressApp;

export interface PeerSignalling {
	handleRequest(req: IncomingMessage, res: ServerResponse): void;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	disconnectUser(userId: UserId): void;
	/** These people were removed from the conversation: its connections involving them end on both sides now. */
	revoke(userIds: UserId[], conversationId: string): void;
	connectionCount(): number;
	close(): void;
}

export function createPeerSignalling(options: {
	/** The relay's server: the peer package insists on one, though its WebSocket server is detached from it. */
	server: Server;
	authenticate(token: string): UserId | null;
	/** This user is a member of this conversation (the relay's ACL). */
	mayRead(userId: UserId, documentId: string): boolean;
	trustProxy: boolean;
	/** Frames and bytes one socket may send; over either, it is closed with 1008. Unlimited when omitted. */
	socketLimits?: { messages: BucketSpec; bytes: BucketSpec };
	log?: (message: string) => void;
}): PeerSignalling {
	let wss: WebSocketServer | undefined;
	const sockets = new Map<WebSocket, UserId>();
	const peerOfSocket = new Map<WebSocket, string>();
	const gate = createSignalGate(options.mayRead);
	/** Live sockets per peer id: PeerJS's reconnect opens a new socket for the same id before the old one closes. */
	const socketsOfPeer = new Map<string, number>();
	const app = ExpressPeerServer(options.server, {
		path: PEERJS_PATH,
		key: 'peerjs',
		allow_discovery: false,
		proxied: options.trustProxy,
		createWebSocketServer: () => (wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_BYTES }))
	});
	// Malformed messages surface as 'error'; without a listener they would crash the process.
	app.on('error', (err: Error) => options.log?.(`PeerJS: ${err.message}`));
	// Mounting is what makes the peer server build its routes and WebSocket server (its 'mount' hook).
	const root = peerExpress();
	root.disable('x-powered-by');
	root.use(app);
	if (!wss) throw new Error('The peer package did not create its WebSocket server (peer version changed?).');
	const server = wss;

	/** The peer package reads frames through the socket's 'message' event: only what the gate allows reaches it. */
	function gatekeep(ws: WebSocket, peerId: string, userId: UserId) {
		const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
		const limiter = options.socketLimits && createSocketLimiter(options.socketLimits);
		let flooded = false;
		ws.emit = ((event: string | symbol, ...args: unknown[]) => {
			if (event !== 'message') return emit(event, ...args);
			if (flooded) return false;
			if (limiter && !limiter.take(rawSize(args[0] as RawData)).allowed) {
				flooded = true;
				options.log?.(`PeerJS: closing ${peerId}: it sends faster than its limit`);
				ws.close(POLICY_VIOLATION, 'sending too fast');
				ws.pause(); // what is still in the pipe is not parsed
				setTimeout(() => ws.terminate(), 1000).unref?.();
				return false;
			}
			const decision = gate.check(peerId, userId, String(args[0]));
			if (decision.action === 'forward') return emit(event, ...args);
			if (decision.action === 'refuse') {
				options.log?.(`PeerJS: refused an offer from ${peerId} to ${decision.reply.src}: not both members of the conversation it names`);
				ws.send(JSON.stringify(decision.reply));
			}
			return false;
		}) as WebSocket['emit'];
	}

	return {
		handleRequest(req, res) {
			// Only the server's description is served over HTTP: the app's peers name their own ids (no /id), and
			// discovery is off. Anything else gets the relay's JSON error, not express's HTML or plain-text pages.
			const pathname = new URL(req.url ?? '/', 'http://relay').pathname;
			if (!(pathname === PEERJS_PATH || pathname === `${PEERJS_PATH}/`) || (req.method !== 'GET' && req.method !== 'HEAD'))
				return sendError(res, 404, `There is no signalling endpoint at ${pathname}: call signalling goes over the WebSocket.`);
			root(req, res, (err?: unknown) => {
				if (res.headersSent) return void res.destroy();
				if (err) sendError(res, 400, 'The signalling server could not read this request.');
				else sendError(res, 404, `There is no signalling endpoint at ${pathname}.`);
			});
		},
		handleUpgrade(req, socket, head) {
			const params = new URL(req.url ?? '/', 'http://relay').searchParams;
			const userId = options.authenticate(params.get('token') ?? '');
			if (!userId || !peerIdBelongsTo(params.get('id') ?? '', userId, '-')) return refuseUpgrade(socket, 401);
			const peerId = params.get('id')!;
			server.handleUpgrade(req, socket, head, (ws) => {
				sockets.set(ws, userId);
				peerOfSocket.set(ws, peerId);
				socketsOfPeer.set(peerId, (socketsOfPeer.get(peerId) ?? 0) + 1);
				ws.on('close', () => {
					sockets.delete(ws);
					peerOfSocket.delete(ws);
					const left = (socketsOfPeer.get(peerId) ?? 1) - 1;
					if (left > 0) socketsOfPeer.set(peerId, left);
					else {
						socketsOfPeer.delete(peerId);
						gate.forget(peerId);
					}
				});
				gatekeep(ws, peerId, userId);
				server.emit('connection', ws, req);
			});
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
			for (const ws of sockets.keys()) ws.terminate();
			server.close();
		}
	};
}
