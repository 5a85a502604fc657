// Reads no UI state. Notices a connection that died silently (Wi-Fi roaming, a sleeping tablet, a stalled link),
// which a browser WebSocket only reports minutes later. After intervalMs without hearing anything it asks (and asks
// again every intervalMs); after its patience (2 × intervalMs) without hearing anything, the connection is dead.
// A slow link is not a dead one: any frame received counts as an answer, and so does the socket's own outgoing buffer
// going down (a large message on its way up). An answer that waits behind a large message longer than the patience
// gets the link given up; when the very next connection is answered, the give-up was wrong, and the session's patience
// doubles (up to maxPatienceMs), so a slow link cannot loop reconnect → resend → give up. It halves back after every
// calm stretch (CALM_INTERVALS intervals without a silence longer than the base patience).

export interface HeartbeatOptions {
	/** Ask after this long without hearing anything; the base patience is twice it. */
	intervalMs: number;
	/** The patience never grows beyond this; default 60 × intervalMs. */
	maxPatienceMs?: number;
	now?: () => number;
}

export interface HeartbeatEvents {
	/** Ask the other side for an answer (the app's client repeats its join; the relay answers with its peer message). */
	ask(): void;
	/** Give the connection up: `silent` once joined, `handshake` if a new one was never answered. */
	dead(why: 'silent' | 'handshake'): void;
	/** Bytes the socket has not sent yet (WebSocket.bufferedAmount): going down proves the link carries them. */
	unsent?(): number;
}

export interface Heartbeat {
	/** A new socket is opening: it has the same patience to be answered at all. */
	connecting(): void;
	/** The other side answered the join: watch the connection. */
	joined(): void;
	/** Anything arrived on the connection. */
	heard(): void;
	/** The socket is gone (or the adapter stopped): no more asks or give-ups; the patience is kept. */
	stop(): void;
	/** How long the connection may stay silent now, ms. */
	readonly patienceMs: number;
}

/** A calm stretch of this many intervals halves a grown patience. */
export const CALM_INTERVALS = 15;
/** Checks run this many times per interval: a dead link is noticed within patience + intervalMs / TICKS. */
const TICKS = 8;

export function createHeartbeat(options: HeartbeatOptions, events: HeartbeatEvents): Heartbeat {
	const { intervalMs, now = Date.now } = options;
	const base = 2 * intervalMs;
	const max = Math.max(base, options.maxPatienceMs ?? 60 * intervalMs);
	let patience = base;
	let phase: 'idle' | 'connecting' | 'joined' = 'idle';
	let timer: ReturnType<typeof setInterval> | undefined;
	let heardAt = 0;
	let askedAt = 0;
	let calmSince = 0;
	let unsent = 0;
	/** Connections opened since the last give-up; null when nothing was given up. */
	let sinceGiveUp: number | null = null;

	const stop = () => {
		clearInterval(timer);
		timer = undefined;
		phase = 'idle';
	};
	const watch = (next: 'connecting' | 'joined') => {
		clearInterval(timer);
		phase = next;
		heardAt = askedAt = calmSince = now();
		unsent = events.unsent?.() ?? 0;
		timer = setInterval(tick, Math.max(1, Math.round(intervalMs / TICKS)));
	};
	const giveUp = (why: 'silent' | 'handshake') => {
		stop();
		sinceGiveUp = 0;
		events.dead(why);
	};

	function tick(): void {
		const t = now();
		const left = events.unsent?.() ?? 0;
		if (left < unsent) heardAt = t;
		unsent = left;
		const silent = t - heardAt;
		if (phase === 'connecting') {
			if (silent >= patience) giveUp('handshake');
			return;
		}
		if (silent >= patience) return giveUp('silent');
		if (silent > base) calmSince = t;
		else if (patience > base && t - calmSince >= CALM_INTERVALS * intervalMs) {
			patience = Math.max(base, patience / 2);
			calmSince = t;
		}
		if (silent >= intervalMs && t - askedAt >= intervalMs) {
			askedAt = t;
			events.ask();
		}
	}

	return {
		connecting() {
			if (sinceGiveUp !== null) sinceGiveUp++;
			watch('connecting');
		},
		joined() {
			// Given up, and the very next connection was answered: the link was slow, not dead.
			if (sinceGiveUp === 1) patience = Math.min(max, patience * 2);
			sinceGiveUp = null;
			watch('joined');
		},
		heard() {
			heardAt = now();
		},
		stop,
		get patienceMs() {
			return patience;
		}
	};
}
