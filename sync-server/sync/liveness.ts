// Pure: no sockets here. Whether a /sync socket is still alive, decided by one timer for every socket (a few numbers
// per socket, no timer of its own). A socket is heard from when a frame or a pong arrives, but also while bytes of a
// frame keep arriving (a large message coming in over a slow link) and while its outgoing buffer goes down (a large
// message leaving slowly, with the pong waiting behind it on the same TCP stream): a slow link is not a dead one.
// Silent for keepAliveMs: pinged, again every keepAliveMs; silent for twice that: dead.

export interface Liveness {
	/** When anything was last heard from the socket. */
	heardAt: number;
	pingedAt: number;
	/** The socket's byte counter and its unsent bytes at the last check. */
	bytesRead: number;
	unsent: number;
}

/** Checks run this many times per keepAliveMs: a dead socket is dropped within 2 × keepAliveMs + an eighth of it. */
export const CHECKS_PER_INTERVAL = 8;

export function newLiveness(now: number, bytesRead: number, unsent: number): Liveness {
	return { heardAt: now, pingedAt: now, bytesRead, unsent };
}

/** A frame or a pong arrived. */
export function heard(liveness: Liveness, now: number): void {
	liveness.heardAt = now;
}

/**
 * One check, given what the socket shows now: the bytes received on its TCP connection so far (frames not yet complete
 * included) and the bytes it has not sent yet (ws bufferedAmount). 'ping' when it has been silent for an interval (and
 * not pinged for one), 'dead' after two.
 */
export function checkLiveness(liveness: Liveness, bytesRead: number, unsent: number, now: number, keepAliveMs: number): 'ok' | 'ping' | 'dead' {
	if (bytesRead > liveness.bytesRead || unsent < liveness.unsent) liveness.heardAt = now;
	liveness.bytesRead = bytesRead;
	liveness.unsent = unsent;
	const silent = now - liveness.heardAt;
	if (silent >= 2 * keepAliveMs) return 'dead';
	if (silent >= keepAliveMs && now - liveness.pingedAt >= keepAliveMs) {
		liveness.pingedAt = now;
		return 'ping';
	}
	return 'ok';
}
