// Reads no UI state. Who is in a conversation's call travels as automerge-repo ephemeral messages on the
// conversation's document: the relay forwards them only to members and never stores them. Untrusted input from
// other devices, so every message is checked here before anything reads it.

/** Marks our messages apart from other ephemeral traffic on the document (automerge-repo's Presence, say). */
export const CALL_MARK = 'caseroomCall';
const VERSION = 1;

/** I am in the call (sent on joining, on every change, and every HEARTBEAT_MS). */
export interface CallHere {
	[CALL_MARK]: typeof VERSION;
	kind: 'here';
	/** The id of the call's 'started' message in the conversation. */
	callId: string;
	startedAt: number;
	/** My PeerJS peer id, `<userId>-<random>`. */
	peer: string;
	/** Everyone who has been in this call so far, as I know it: the 'ended' message names them. */
	seen: string[];
	muted: boolean;
	/** My camera is sending (off when turned off or in audio-only mode). */
	camera: boolean;
	/** I asked for no video at all: others stop sending me theirs. */
	audioOnly: boolean;
	screen: boolean;
}

/** I left the call. */
export interface CallBye {
	[CALL_MARK]: typeof VERSION;
	kind: 'bye';
	callId: string;
	peer: string;
}

/** Who is in the call? Everyone in it answers at once with `here`. */
export interface CallWho {
	[CALL_MARK]: typeof VERSION;
	kind: 'who';
}

export type CallSignal = CallHere | CallBye | CallWho;

export const HEARTBEAT_MS = 2000;
/** Missing three heartbeats: gone (lost the network, closed the lid). */
export const PARTICIPANT_TTL_MS = 3 * HEARTBEAT_MS + 500;

const MAX_ID = 128;
const MAX_SEEN = 64;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

type Body<S> = S extends CallSignal ? Omit<S, typeof CALL_MARK> : never;

export function callSignal<S extends CallSignal = CallSignal>(body: Body<S>): S {
	return { [CALL_MARK]: VERSION, ...body } as S;
}

/** The message if it is a well-formed call signal of this version, else null. */
export function parseCallSignal(value: unknown): CallSignal | null {
	if (typeof value !== 'object' || value === null) return null;
	const m = value as Record<string, unknown>;
	if (m[CALL_MARK] !== VERSION) return null;
	switch (m.kind) {
		case 'who':
			return callSignal<CallWho>({ kind: 'who' });
		case 'bye':
			return isId(m.callId) && isId(m.peer) ? callSignal<CallBye>({ kind: 'bye', callId: m.callId, peer: m.peer }) : null;
		case 'here': {
			const seen = m.seen;
			const ok =
				isId(m.callId) && isTime(m.startedAt) && isId(m.peer) && Array.isArray(seen) && seen.length <= MAX_SEEN && seen.every(isId) &&
				isBool(m.muted) && isBool(m.camera) && isBool(m.audioOnly) && isBool(m.screen);
			if (!ok) return null;
			return callSignal<CallHere>({
				kind: 'here', callId: m.callId as string, startedAt: m.startedAt as number, peer: m.peer as string, seen: [...(seen as string[])],
				muted: m.muted as boolean, camera: m.camera as boolean, audioOnly: m.audioOnly as boolean, screen: m.screen as boolean
			});
		}
		default:
			return null;
	}
}
