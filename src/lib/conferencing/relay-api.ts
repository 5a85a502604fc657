// The relay's conversation API as the app calls it: typed results, and one error that tells the UI whether the
// relay was unreachable (try again later, nothing lost), refused the sign-in, or refused the request itself.
import type { DirectoryView, PublicUser, RegisteredConversation } from '$lib/model/directory';
import type { CaseId, UserId } from '$lib/model/ids';
import type { ConversationKind } from '$lib/model/policy';

export type ApiProblem = 'unreachable' | 'signed-out' | 'refused';

export class RelayApiError extends Error {
	constructor(
		readonly problem: ApiProblem,
		message: string,
		readonly status = 0,
		/** The relay's whole JSON answer to a refused request (an import's refused rows, say). */
		readonly answer: unknown = null
	) {
		super(message);
	}
}

export interface Registration {
	documentId: string;
	kind: ConversationKind;
	caseId: CaseId | null;
	/** Everyone besides the creator. */
	members: UserId[];
}

export interface RelayApi {
	/** The signed-in person as the relay describes them now. */
	me(): Promise<PublicUser>;
	directory(): Promise<DirectoryView>;
	conversations(): Promise<RegisteredConversation[]>;
	register(registration: Registration): Promise<RegisteredConversation>;
	addMembers(conversationId: string, people: UserId[]): Promise<RegisteredConversation>;
	/** The conversation as it is now, or `{ left: true }` when the caller removed themself. */
	removeMembers(conversationId: string, people: UserId[]): Promise<RegisteredConversation | { left: true }>;
	/** A document whose readers are the conversation's members (a whiteboard). */
	attachDocument(attachment: Attachment): Promise<RegisteredConversation>;
}

export interface Attachment {
	conversationId: string;
	documentId: string;
	kind: 'whiteboard';
}

/**
 * One call to the relay's JSON API with the person's token: GET without a body, POST with one. Every failure is a
 * RelayApiError that says whether the relay was unreachable, refused the sign-in, or refused the request (with the
 * relay's sentence and its whole JSON answer).
 */
export function createApiCall(token: string, fetchFn: typeof fetch = (...args) => fetch(...args)) {
	return async function call<T>(path: string, body?: unknown): Promise<T> {
		let response: Response;
		try {
			response = await fetchFn(path, {
				method: body === undefined ? 'GET' : 'POST',
				headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
				body: body === undefined ? undefined : JSON.stringify(body),
				cache: 'no-store'
			});
		} catch {
			throw new RelayApiError('unreachable', 'The Caseroom server cannot be reached.');
		}
		const json: unknown = await response.json().catch(() => null);
		if (response.ok) return json as T;
		const detail = typeof json === 'object' && json && 'error' in json ? String(json.error) : `HTTP ${response.status}`;
		if (response.status === 401) throw new RelayApiError('signed-out', detail, 401);
		// A proxy or service worker answering for a relay that is down.
		if (response.status >= 502 && response.status <= 504) throw new RelayApiError('unreachable', detail, response.status);
		throw new RelayApiError('refused', detail, response.status, json);
	};
}

export function createRelayApi(token: string, fetchFn?: typeof fetch): RelayApi {
	const call = createApiCall(token, fetchFn);
	return {
		me: () => call('/api/me'),
		directory: () => call('/api/directory'),
		conversations: () => call('/api/conversations'),
		register: (r) => call('/api/conversations', r),
		addMembers: (id, people) => call(`/api/conversations/${encodeURIComponent(id)}/members`, { add: people }),
		removeMembers: (id, people) => call(`/api/conversations/${encodeURIComponent(id)}/members/remove`, { remove: people }),
		attachDocument: (a) => call(`/api/conversations/${encodeURIComponent(a.conversationId)}/documents`, { documentId: a.documentId, kind: a.kind })
	};
}
