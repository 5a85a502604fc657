// Calls POST /api/login and turns every outcome into a result the sign-in form can explain to the person.
import type { PublicUser } from '$lib/model/directory';

export interface Session {
	token: string;
	expiresAt: number;
	user: PublicUser;
}

export type LoginResult =
	| { ok: true; session: Session }
	| { ok: false; problem: 'wrong' | 'throttled' | 'unreachable' | 'failed'; detail?: string };

export async function login(username: string, password: string, fetchFn: typeof fetch = fetch): Promise<LoginResult> {
	let response: Response;
	try {
		response = await fetchFn('/api/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: username.trim(), password })
		});
	} catch {
		return { ok: false, problem: 'unreachable' };
	}
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
