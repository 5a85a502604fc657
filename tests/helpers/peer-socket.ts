// A raw PeerJS client socket, as the `peerjs` package opens it (/peerjs/peerjs?key=peerjs&id=…&token=…), keeping every
// frame the relay sends it, for tests and the bench that speak the signalling protocol themselves.
import { WebSocket } from 'ws';

export interface PeerSocket {
	ws: WebSocket;
	/** Every frame received and not yet taken by next(). */
	got: any[];
	/** Takes the first frame of this type received (waiting for it up to `ms`). */
	next(type: string, ms?: number): Promise<any>;
	send(frame: object): void;
}

/** Opens a peer on the relay at `wsUrl` (ws://host:port); resolves after the relay's first frame (OPEN, or ID-TAKEN). */
export function peerSocket(wsUrl: string, id: string, token: string): Promise<PeerSocket> {
	const ws = new WebSocket(`${wsUrl}/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`);
	const got: any[] = [];
	const waiting: (() => void)[] = [];
	ws.on('message', (data) => {
		got.push(JSON.parse(String(data)));
		for (const wake of waiting.splice(0)) wake();
	});
	ws.on('error', () => {});
	const next = async (type: string, ms = 3000) => {
		const deadline = Date.now() + ms;
		for (;;) {
			const found = got.findIndex((m) => m.type === type);
			if (found >= 0) return got.splice(found, 1)[0];
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`${id}: no ${type} within ${ms} ms (got ${JSON.stringify(got)})`);
			await new Promise<void>((resolve) => {
				waiting.push(resolve);
				setTimeout(resolve, left);
			});
		}
	};
	const socket = { ws, got, next, send: (frame: object) => ws.send(JSON.stringify(frame)) };
	return new Promise((resolve, reject) => {
		ws.once('message', () => resolve(socket));
		ws.once('unexpected-response', (_req, res) => reject(new Error(`${id}: refused with ${res.statusCode}`)));
	});
}

/** An OFFER as the peerjs client sends it for a media call in a conversation. */
export const offerFrame = (dst: string, connectionId: string, conversationId: string) => ({
	type: 'OFFER',
	dst,
	payload: { sdp: 'v=0', type: 'media', connectionId, metadata: { conversationId } }
});
