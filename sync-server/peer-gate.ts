// Who may signal whom on /peerjs. PeerJS relays SDP offers, answers and ICE candidates between peer ids; on its own
// it lets any signed-in person reach any peer. Caseroom's rule: every PeerJS connection (a call, or a data
// connection for files) is opened with `metadata.conversationId`, and the relay forwards the OFFER only when the
// caller's and the callee's users are both members of that conversation. Answers and candidates pass only between
// two peers whose offer was allowed. No unchecked offer means no media path: a non-member cannot join a call even
// with a member's peer id in hand. Pure: no sockets; peer.ts feeds it every frame.
import type { UserId } from '../src/lib/model/ids.ts';

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
}

/** The user of a PeerJS peer id `<userId>-<suffix>` (the relay only lets a user's own socket hold such an id). */
export const userOfPeerId = (peerId: string) => peerId.slice(0, Math.max(0, peerId.lastIndexOf('-'))) as UserId;

const forward: GateDecision = { action: 'forward' };
const drop: GateDecision = { action: 'drop' };

export function createSignalGate(mayRead: (userId: UserId, conversationId: string) => boolean): SignalGate {
	/** Allowed pairs, both directions: peer id → peer ids it may exchange answers and candidates with. */
	const pairs = new Map<string, Set<string>>();
	const link = (a: string, b: string) => {
		if (!pairs.has(a)) pairs.set(a, new Set());
		pairs.get(a)!.add(b);
	};
	const linked = (a: string, b: string) => pairs.get(a)?.has(b) ?? false;

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
				link(src, dst);
				link(dst, src);
				return forward;
			}
			if (type === 'ANSWER' || type === 'CANDIDATE' || type === 'LEAVE' || type === 'EXPIRE') return linked(src, dst) ? forward : drop;
			return drop;
		},
		forget(peerId) {
			for (const other of pairs.get(peerId) ?? []) pairs.get(other)?.delete(peerId);
			pairs.delete(peerId);
		}
	};
}
