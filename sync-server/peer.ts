// PeerJS signalling (the `peer` package's ExpressPeerServer) on the relay's own HTTP server, at /peerjs.
// The peer server's WebSocket server is created with noServer, so it never listens on 'upgrade' itself (where it
// would fight /sync); the relay routes /peerjs upgrades here after checking that the PeerJS `token` is a valid
// Caseroom token and the peer id is `<userId>-<random>`: nobody can speak as someone else's peer.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UserId } from '../src/lib/model/ids.ts';
import { peerIdBelongsTo } from './peer-ids.ts';

export const PEERJS_PATH = '/peerjs';

/** Signalling messages (SDP offers, ICE candidates) are small. */
const MAX_SIGNAL_BYTES = 256 * 1024;

interface ExpressApp {
	(req: IncomingMessage, res: ServerResponse): void;
	use(app: unknown): void;
	disable(setting: string): void;
}
/** The express that `peer` itself depends on (it is peer's dependency, not ours; it has no types here). */
const peerExpress = createRequire(import.meta.resolve('peer'))('express') as () => ExpressApp;

export interface PeerSignalling {
	handleRequest(req: IncomingMessage, res: ServerResponse): void;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	disconnectUser(userId: UserId): void;
	connectionCount(): number;
	close(): void;
}

export function createPeerSignalling(options: {
	/** The relay's server: the peer package insists on one, though its WebSocket server is detached from it. */
	server: Server;
	authenticate(token: string): UserId | null;
	trustProxy: boolean;
	log?: (message: string) => void;
}): PeerSignalling {
	let wss: WebSocketServer | undefined;
	const sockets = new Map<WebSocket, UserId>();
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

	return {
		handleRequest(req, res) {
			root(req, res);
		},
		handleUpgrade(req, socket, head) {
			const params = new URL(req.url ?? '/', 'http://relay').searchParams;
			const userId = options.authenticate(params.get('token') ?? '');
			if (!userId || !peerIdBelongsTo(params.get('id') ?? '', userId, '-')) {
				socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
				socket.destroy();
				return;
			}
			server.handleUpgrade(req, socket, head, (ws) => {
				sockets.set(ws, userId);
				ws.on('close', () => sockets.delete(ws));
				server.emit('connection', ws, req);
			});
		},
		disconnectUser(userId) {
			for (const [ws, owner] of sockets) if (owner === userId) ws.terminate();
		},
		connectionCount: () => sockets.size,
		close() {
			for (const ws of sockets.keys()) ws.terminate();
			server.close();
		}
	};
}
