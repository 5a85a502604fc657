// Reads no UI state. Who is in a conversation's call, built from the call signals that arrived: pure functions
// over an immutable map, so the banner in frame 2 and the call view agree and tests need no network.
import type { UserId } from '$lib/model/ids';
import type { CallHere, CallSignal } from './call-signal';

export interface Participant {
	peer: string;
	user: UserId;
	callId: string;
	startedAt: number;
	seen: UserId[];
	muted: boolean;
	camera: boolean;
	audioOnly: boolean;
	screen: boolean;
	/** Local clock, for pruning the silent. */
	lastSeen: number;
}

/** By PeerJS peer id: one person may be in the call from a tablet and a laptop. */
export type Roster = ReadonlyMap<string, Participant>;

export interface RunningCall {
	callId: string;
	startedAt: number;
	participants: Participant[];
	/** Everyone who has been in the call so far. */
	seen: UserId[];
}

/** automerge-repo peer ids are `<userId>:<random>` and the relay binds them to the signed-in user. */
export const userOfSyncPeer = (peerId: string) => peerId.slice(0, Math.max(0, peerId.lastIndexOf(':'))) as UserId;
/** PeerJS peer ids are `<userId>-<random>`, bound the same way on /peerjs. */
export const userOfCallPeer = (peerId: string) => peerId.slice(0, Math.max(0, peerId.lastIndexOf('-'))) as UserId;

/**
 * The roster after one signal from `sender` (the automerge-repo peer id the relay vouches for). A signal about a
 * call peer id of another user is ignored: nobody can put someone else into a call.
 */
export function applySignal(roster: Roster, signal: CallSignal, sender: string, now: number): Roster {
	if (signal.kind === 'who') return roster;
	const user = userOfSyncPeer(sender);
	if (!user || userOfCallPeer(signal.peer) !== user) return roster;
	const next = new Map(roster);
	if (signal.kind === 'bye') next.delete(signal.peer);
	else next.set(signal.peer, participantOf(signal, user, now));
	return next;
}

function participantOf(s: CallHere, user: UserId, now: number): Participant {
	const { callId, startedAt, peer, muted, camera, audioOnly, screen } = s;
	return { peer, user, callId, startedAt, muted, camera, audioOnly, screen, seen: s.seen as UserId[], lastSeen: now };
}

/** Without the participants not heard from within `ttlMs`; the same map when nobody went. */
export function pruneRoster(roster: Roster, now: number, ttlMs: number): Roster {
	const stale = [...roster.values()].filter((p) => now - p.lastSeen > ttlMs);
	if (stale.length === 0) return roster;
	const next = new Map(roster);
	for (const p of stale) next.delete(p.peer);
	return next;
}

/**
 * The call to join. Two people who pressed `Videoconference` at the same moment start two calls; everyone settles on
 * the earliest (then the smaller id), so the mesh stays one.
 */
export function runningCall(roster: Roster): RunningCall | null {
	const all = [...roster.values()];
	if (all.length === 0) return null;
	const first = all.reduce((a, b) => (b.startedAt < a.startedAt || (b.startedAt === a.startedAt && b.callId < a.callId) ? b : a));
	const participants = all.sort((a, b) => a.user.localeCompare(b.user) || a.peer.localeCompare(b.peer));
	const seen = new Set<UserId>(participants.flatMap((p) => [p.user, ...p.seen]));
	return { callId: first.callId, startedAt: first.startedAt, participants, seen: [...seen].sort() };
}

/** In each pair exactly one side places the media call: the smaller peer id. Both sides know it without talking. */
export const placesCall = (myPeer: string, theirPeer: string) => myPeer < theirPeer;
