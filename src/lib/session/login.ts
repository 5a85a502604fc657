// Calls POST /api/login (or single sign-on's hand-off) and turns every outcome into a result the sign-in form can
// explain to the person.
import type { PublicUser } from '$lib/model/directory';

export interface Session {
	token: string;
	expiresAt: number;
	user: PublicUser;
}

export type LoginResult =
	| { ok: true; session: Session }
	| { ok: false; problem: 'wrong' | 'throttled' | 'unreachable' | 'failed'; detail?: string };

export function login(username: string, password: string, fetchFn: typeof fetch = fetch): Promise<LoginResult> {
	return postForSession('/api/login', { username: username.trim(), password }, fetchFn);
}

/** Posts a sign-in (a password, or single sign-on's hand-off code) and explains the answer. */
export async function postForSession(path: string, body: unknown, fetchFn: typeof fetch = fetch): Promise<LoginResult> {
	let response: Response;
	try {
		response = await fetchFn(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	} catch {
		return { ok: false, problem: 'unreachable' };
	}
	return sessionAnswer(response);
}

/** The relay's answer to a sign-in as a result the sign-in page can explain. */
async function sessionAnswer(response: Response): Promise<LoginResult> {
	const body: unknown = await response.json().catch(() => null);
	if (response.status === 401) return { ok: false, problem: 'wrong' };
	if (response.status === 429) return { ok: false, problem: 'throttled' };
	// A service worker answering for an unreachable relay, or a proxy's error page.
	if (response.status >= 502 && response.status <= 504) return { ok: false, problem: 'unreachable' };
	if (!response.ok || !isSession(body)) {
		const detail = typeof body === 'object' && body && 'error' in body ? String(body.error) : `HTTP ${response.status}`;
		return { ok: false, problem: 'failed', detail };
	}
	return { ok: true, session: body };
}

export function isSession(value: unknown): value is Session {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Partial<Session>;
	return typeof v.token === 'string' && typeof v.user === 'object' && v.user !== null && typeof v.user.id === 'string';
}
