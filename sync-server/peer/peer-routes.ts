// PeerJS frames between relay nodes (REDIS_URL): two people in one call may be connected to different nodes. Each
// node subscribes one bus topic per peer id it holds (`peerjs:<peerId>`); a frame the sending node's gate allowed for
// a peer id it does not hold is published on that peer's topic, and the node holding it passes it through its own
// gate (both members of the conversation the offer names, by its own view of the directory) before handing it over.
// What PeerJS answers stays the same across nodes:
// - an offer nobody took (the callee is on no node, the bus is down, the other node refused it) gets PeerJS's EXPIRE
//   back after EXPIRE_MS, as the peer server does for a message queued for an absent peer; the holder confirms
//   every offer it handed over (one small message per connection, none per candidate);
// - LEAVE and EXPIRE for a peer on no node go nowhere, as on one node;
// - a peer id opened on a second node with the same token (PeerJS reconnecting through the load balancer) moves
//   there: the first node closes its socket; with another token the second node answers ID-TAKEN, as on one node.
// Tokens never go on the bus, only a digest. At most once, as the bus: a lost frame is a call that retries.
import { createHash } from 'node:crypto';
import type { NodeBus, Unsubscribe } from '../cluster/node-bus.ts';
import { errorField, silentLog, type Log } from '../ops/log.ts';

/** A frame between two peers, as the peer server passes it on (`src` set by the relay, never by the sender). */
export interface PeerFrame {
	type: string;
	src: string;
	dst: string;
	payload?: unknown;
}

/** What nodes say on a peer id's topic. */
type RouteMessage =
	| { kind: 'frame'; frame: PeerFrame }
	/** The holder of `frame.dst` handed an offer over (sent on the caller's topic). */
	| { kind: 'delivered'; src: string; dst: string; connection: string }
	/** A node now holds this peer id, opened with the token of this digest. */
	| { kind: 'claim'; token: string }
	/** A node holds this peer id with another token than the claim's. */
	| { kind: 'taken' };

const isFrame = (f: unknown): f is PeerFrame => {
	const x = f as PeerFrame | null;
	return typeof x === 'object' && x !== null && typeof x.type === 'string' && typeof x.src === 'string' && typeof x.dst === 'string';
};

function parseRouteMessage(payload: Uint8Array): RouteMessage | null {
	let m: unknown;
	try {
		m = JSON.parse(Buffer.from(payload).toString('utf8'));
	} catch {
		return null;
	}
	const x = m as Record<string, unknown> | null;
	if (typeof x !== 'object' || x === null) return null;
	if (x.kind === 'frame' && isFrame(x.frame)) return m as RouteMessage;
	if (x.kind === 'delivered' && typeof x.src === 'string' && typeof x.dst === 'string' && typeof x.connection === 'string') return m as RouteMessage;
	if (x.kind === 'claim' && typeof x.token === 'string') return m as RouteMessage;
	if (x.kind === 'taken') return m as RouteMessage;
	return null;
}

/** As the peer server: a message for an absent peer waits this long before the caller hears EXPIRE. */
export const EXPIRE_MS = 5000;

export const topicOfPeer = (peerId: string) => `peerjs:${peerId}`;
export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('base64url').slice(0, 22);
/** PeerJS names each connection in its OFFER, ANSWER and CANDIDATE payloads. */
const connectionOf = (frame: PeerFrame) => {
	const id = (frame.payload as { connectionId?: unknown } | null | undefined)?.connectionId;
	return typeof id === 'string' ? id.slice(0, 200) : '';
};

export interface PeerRoutes {
	/** This node holds the peer id now (its socket opened here with a token of this digest). */
	hold(peerId: string, token: string): Promise<void>;
	/** Its last socket here closed. */
	release(peerId: string): void;
	/** A frame the gate allowed, for a peer id this node does not hold. */
	send(frame: PeerFrame): void;
	close(): Promise<void>;
}

export function createPeerRoutes(options: {
	bus: NodeBus;
	/** A frame from a peer on another node, for a peer id held here: gate it and hand it over; true when handed over. */
	receive(frame: PeerFrame): boolean;
	/** The relay's own answer to a peer held here (EXPIRE). */
	tell(frame: PeerFrame): void;
	/** The peer id opened on another node with the same token: close it here. */
	moved(peerId: string): void;
	/** The peer id is held on another node with another token: refuse it here (ID-TAKEN). */
	taken(peerId: string): void;
	expireMs?: number;
	log?: Log;
}): PeerRoutes {
	const { bus } = options;
	const log = options.log ?? silentLog;
	const expireMs = options.expireMs ?? EXPIRE_MS;
	/** Peer ids held here: the digest of their token, and their topic's subscription once confirmed. */
	const held = new Map<string, { token: string; unsubscribe?: Promise<Unsubscribe> }>();
	/** Offers sent to another node and not yet confirmed: `src dst connection` → the EXPIRE timer. */
	const pending = new Map<string, NodeJS.Timeout>();
	const publish = (peerId: string, message: RouteMessage) => bus.publish(topicOfPeer(peerId), Buffer.from(JSON.stringify(message)));
	const settle = (key: string) => {
		clearTimeout(pending.get(key));
		pending.delete(key);
	};

	function heard(peerId: string, message: RouteMessage) {
		const mine = held.get(peerId);
		if (!mine) return;
		switch (message.kind) {
			case 'frame': {
				const { frame } = message;
				if (frame.dst !== peerId) return;
				// A refusal or goodbye from the callee also settles the caller's offer.
				if (frame.type === 'EXPIRE' || frame.type === 'LEAVE') for (const key of pending.keys()) if (key.startsWith(`${frame.dst} ${frame.src} `)) settle(key);
				if (options.receive(frame) && frame.type === 'OFFER') publish(frame.src, { kind: 'delivered', src: frame.src, dst: frame.dst, connection: connectionOf(frame) });
				return;
			}
			case 'delivered':
				return settle(`${message.src} ${message.dst} ${message.connection}`);
			case 'claim':
				if (message.token === mine.token) options.moved(peerId);
				else publish(peerId, { kind: 'taken' });
				return;
			case 'taken':
				return options.taken(peerId);
		}
	}

	return {
		async hold(peerId, token) {
			const entry = { token: tokenDigest(token), unsubscribe: undefined as Promise<Unsubscribe> | undefined };
			held.set(peerId, entry);
			entry.unsubscribe = bus.subscribe(topicOfPeer(peerId), (payload) => {
				const message = parseRouteMessage(payload);
				if (message) heard(peerId, message);
				else log.warn({}, 'PeerJS: another relay node sent something unreadable');
			});
			try {
				await entry.unsubscribe;
			} catch (error) {
				log.warn({ err: errorField(error) }, 'PeerJS: could not subscribe to this peer on the node bus: peers on other nodes cannot reach it');
				return;
			}
			// Subscribed first, so another holder's "taken" reaches this node.
			if (held.get(peerId) === entry) publish(peerId, { kind: 'claim', token: entry.token });
		},
		release(peerId) {
			const entry = held.get(peerId);
			held.delete(peerId);
			void entry?.unsubscribe?.then((unsubscribe) => unsubscribe(), () => {});
		},
		send(frame) {
			publish(frame.dst, { kind: 'frame', frame });
			if (frame.type !== 'OFFER') return;
			const key = `${frame.src} ${frame.dst} ${connectionOf(frame)}`;
			settle(key);
			const timer = setTimeout(() => {
				pending.delete(key);
				options.tell({ type: 'EXPIRE', src: frame.dst, dst: frame.src });
			}, expireMs);
			timer.unref?.();
			pending.set(key, timer);
		},
		async close() {
			for (const key of [...pending.keys()]) settle(key);
			const subscriptions = [...held.values()].map((entry) => entry.unsubscribe);
			held.clear();
			await Promise.all(subscriptions.map((s) => s?.then((unsubscribe) => unsubscribe(), () => {})));
		}
	};
}
