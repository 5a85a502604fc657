// Time-limited TURN credentials, the "TURN REST API" convention coturn implements with `use-auth-secret`:
// username = `<expiry unix seconds>:<user id>`, credential = base64(HMAC-SHA1(secret, username)). The relay and
// the TURN server share only the secret; a credential stops working at its expiry without anyone revoking it.
import { createHmac } from 'node:crypto';

export interface TurnIceServer {
	urls: string[];
	username: string;
	credential: string;
}

export function turnCredentials(turn: { secret: string; urls: string[]; ttlSeconds: number }, userId: string, nowMs: number): TurnIceServer {
	const username = `${Math.floor(nowMs / 1000) + turn.ttlSeconds}:${userId}`;
	const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
	return { urls: [...turn.urls], username, credential };
}
