// Who may signal whom on /peerjs. PeerJS relays SDP offers, answers and ICE candidates between peer ids; on its own
// it lets any signed-in person reach any peer. Caseroom's rule: every PeerJS connection (a call, or a data
// connection for files) is opened with `metadata.conversationId`, and the relay forwards the OFFER only when the
// caller's and the callee's users are both members of that conversation. Answers and candidates pass only between
// two peers whose offer was allowed, and only while both are still members of its conversation. No unchecked offer means no media path: a non-member cannot join a call even
// with a member's peer id in hand. Pure: no sockets; peer.ts feeds it every frame.
import type { UserId } from '../../src/lib/model/ids.ts';

export type GateDecision =
	| { action: 'forward' }
	| { action: 'drop' }
	/** Refuse an offer: tell the caller the callee is unavailable (PeerJS's EXPIRE), as for an absent peer. */
	| { action: 'refuse'; reply: { type: 'EXPIRE'; src: string; dst: string; payload: { msg: string } } };

export interface SignalGate {
	/** Decides one frame `src` sent; `src` is the sender's own peer id (bound to its user at the upgrade). */
	check(src: string, srcUser: UserId, raw: string): GateDecision;
	/** A peer id's socket closed: its allowed pairs go (a new call offers again). */
	forget(peerId: string): void;
	/**
	 * These people were removed from this conversation: every connection allowed for it that involves them goes now,
	 * not only new offers. Returns the pairs of peer ids that lost a connection, so the relay can tell both ends.
	 */
	revoke(userIds: readonly UserId[], conversationId: string): [string, string][];
}

/** The user of a PeerJS peer id `<userId>-<suffix>` (the relay only lets a user's own socket hold such an id). */
export const userOfPeerId = (peerId: string) => peerId.slice(0, Math.max(0, peerId.lastIndexOf('-'))) as UserId;

const forward: GateDecision = { action: 'forward' };
const drop: GateDecision = { action: 'drop' };

/** PeerJS names each connection in its OFFER, ANSWER and CANDIDATE payloads; a frame without one uses ''. */
const connectionIdOf = (payload: unknown): string => {
	const id = (payload as { connectionId?: unknown } | null)?.connectionId;
	return typeof id === 'string' ? id.slice(0, 200) : '';
};

export function createSignalGate(mayRead: (userId: UserId, conversationId: string) => boolean): SignalGate {
	/**
	 * Allowed connections, both directions: peer id → peer id → connection id → the conversation its offer named.
	 * Every later frame of a connection is checked against that conversation's members again, so a removal stops
	 * its signals at once, even before `revoke` runs.
	 */
	const pairs = new Map<string, Map<string, Map<string, string>>>();
	const link = (a: string, b: string, connectionId: string, conversationId: string) => {
		if (!pairs.has(a)) pairs.set(a, new Map());
		const peers = pairs.get(a)!;
		if (!peers.has(b)) peers.set(b, new Map());
		peers.get(b)!.set(connectionId, conversationId);
	};
	const bothMembers = (a: string, b: string, conversationId: string) =>
		mayRead(userOfPeerId(a), conversationId) && mayRead(userOfPeerId(b), conversationId);
	const unlink = (a: string, b: string, connectionId: string) => {
		for (const [x, y] of [[a, b], [b, a]] as const) {
			const connections = pairs.get(x)?.get(y);
			connections?.delete(connectionId);
			if (connections?.size === 0) pairs.get(x)!.delete(y);
			if (pairs.get(x)?.size === 0) pairs.delete(x);
		}
	};

	return {
		check(src, srcUser, raw) {
			let message: unknown;
			try {
				message = JSON.parse(raw);
			} catch {
				return drop;
			}
			if (typeof message !== 'object' || message === null) return drop;
			const { type, dst, payload } = message as { type?: unknown; dst?: unknown; payload?: unknown };
			if (type === 'HEARTBEAT') return forward;
			// LEAVE without a destination is the client saying goodbye to the server itself.
			if (type === 'LEAVE' && dst === undefined) return forward;
			if (typeof dst !== 'string' || dst.length > 200) return drop;
			if (type === 'OFFER') {
				const conversationId = (payload as { metadata?: { conversationId?: unknown } } | null)?.metadata?.conversationId;
				const dstUser = userOfPeerId(dst);
				const ok = typeof conversationId === 'string' && dstUser !== '' && mayRead(srcUser, conversationId) && mayRead(dstUser, conversationId);
				if (!ok) return { action: 'refuse', reply: { type: 'EXPIRE', src: dst, dst: src, payload: { msg: 'Not a member of this conversation.' } } };
				link(src, dst, connectionIdOf(payload), conversationId);
				link(dst, src, connectionIdOf(payload), conversationId);
				return forward;
			}
			if (type === 'ANSWER' || type === 'CANDIDATE') {
				const connectionId = connectionIdOf(payload);
				const conversationId = pairs.get(src)?.get(dst)?.get(connectionId);
				if (conversationId === undefined) return drop;
				if (bothMembers(src, dst, conversationId)) return forward;
				unlink(src, dst, connectionId);
				return drop;
			}
			// Closing words between two peers that had a connection.
			if (type === 'LEAVE' || type === 'EXPIRE') return pairs.get(src)?.has(dst) ? forward : drop;
			return drop;
		},
		forget(peerId) {
			for (const other of pairs.get(peerId)?.keys() ?? []) {
				pairs.get(other)?.delete(peerId);
				if (pairs.get(other)?.size === 0) pairs.delete(other);
			}
			pairs.delete(peerId);
		},
		revoke(userIds, conversationId) {
			const cut: [string, string][] = [];
			for (const [a, peers] of [...pairs]) {
				if (!userIds.includes(userOfPeerId(a))) continue;
				for (const [b, connections] of [...peers]) {
					const gone = [...connections].filter(([, c]) => c === conversationId).map(([id]) => id);
					for (const id of gone) unlink(a, b, id);
					if (gone.length > 0) cut.push([a, b]);
				}
			}
			return cut;
		}
	};
}
