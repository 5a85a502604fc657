// The JSON API under /api: routing, authentication with `Authorization: Bearer <token>`, one error shape.
// Non-members asking about a conversation get 404, exactly as if it did not exist: ids are not confirmed to outsiders.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_CHUNK_SIZE } from '../../src/lib/model/file-manifest.ts';
import type { UserId } from '../../src/lib/model/ids.ts';
import { addDocument, addMembers, listConversations, registerConversation, removeMembers } from './api-conversations.ts';
import { FILE_ROUTE, handleFileRequest, sendBytes } from '../files/api-files.ts';
import { login } from './api-login.ts';
import { adminRoutes } from './api-admin.ts';
import { ssoCallback, ssoProviders, ssoSession, ssoStart } from './api-sso.ts';
import { directoryView, publicUser } from './api-views.ts';
import { openBlobStore, type BlobStore } from '../files/blob-store.ts';
import type { Config } from '../config.ts';
import type { StoredPerson } from '../directory/events.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { DirectoryError } from '../directory/state.ts';
import { StoreUnavailable } from '../storage/store-unavailable.ts';
import { clientAddress, discardBody, HttpError, readJsonBody, sendError, sendJson } from './http-util.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import { describeTokenProblem, type Tokens } from '../auth/tokens.ts';
import { turnCredentials } from '../peer/turn-credentials.ts';
import type { SingleSignOn } from '../sso/single-sign-on.ts';
import { errorWithStack, silentLog, type Log } from '../ops/log.ts';
import { requestIdOf } from '../ops/request-log.ts';

/** What the API tells the rest of the relay after a change (the sync relay and the PeerJS server listen). */
export interface AccessHooks {
	/** A conversation was registered, or gained members or documents. */
	accessChanged(documentIds: string[]): void;
	/** These people were removed from the conversation: nothing of it (itself, its documents, its calls) reaches them. */
	accessRevoked(userIds: UserId[], conversationId: string, documentIds: string[]): void;
	/** Close every connection of this person at once (disabled, password reset). */
	cutOff(userId: UserId): void;
}

export interface ApiContext {
	config: Config;
	store: DirectoryStore;
	tokens: Tokens;
	throttle: LoginThrottle;
	hooks: AccessHooks;
	now: () => number;
	/** Where shared files' bytes live; as the configuration says (DATA_DIR/blobs, or S3) unless given. */
	blobs?: BlobStore;
	/** Sign-in through the configured OpenID Connect providers; none without it. */
	sso?: SingleSignOn;
	/** The relay's metrics (ops/metrics.ts); nothing is counted without it. */
	meter?: ApiMeter;
	log?: Log;
}

export type SignInOutcome = 'ok' | 'wrong' | 'throttled';

/** What the API reports to the relay's metrics: a counter step each. */
export interface ApiMeter {
	signIn(outcome: SignInOutcome): void;
	/** Bytes of file chunks kept (in) or served (out). */
	fileBytes(direction: 'in' | 'out', bytes: number): void;
}

export interface ApiResult {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export interface PublicRequest {
	ctx: ApiContext;
	body: unknown;
	/** The `:id` path segment, if the route has one. */
	id: string;
	address: string;
	/** For the few handlers that need more than the body (single sign-on's query and cookie). */
	req: IncomingMessage;
}

/** A request of a signed-in caller. */
export interface Request extends PublicRequest {
	actor: StoredPerson;
}

type Result = ApiResult | Promise<ApiResult>;
type Method =
	| { auth: false; body: boolean; handler: (r: PublicRequest) => Result }
	/** `admin`: administrators only (403 for anyone else); `maxBodyBytes`: instead of API_MAX_BODY_BYTES. */
	| { auth: true; admin?: boolean; body: boolean; maxBodyBytes?: number; handler: (r: Request) => Result };
export interface Route {
	pattern: RegExp;
	methods: Record<string, Method>;
}

const me = ({ ctx, actor }: Request) => ({ status: 200, body: publicUser(ctx.store, actor) });
const directory = ({ ctx, actor }: Request) => ({ status: 200, body: directoryView(ctx.store, actor) });
/** For calls: STUN/TURN servers from ICE_SERVERS, plus fresh TURN credentials for this person when TURN_SECRET is
 * set (signed-in only, as TURN entries carry credentials). */
const iceServers = ({ ctx, actor }: Request) => {
	const { iceServers: configured, turn } = ctx.config;
	const servers = turn ? [...configured, turnCredentials(turn, actor.id, ctx.now())] : configured;
	return { status: 200, body: { iceServers: servers }, headers: { 'cache-control': 'no-store' } };
};

const routes: Route[] = [
	{ pattern: /^\/api\/login$/, methods: { POST: { handler: login, auth: false, body: true } } },
	{ pattern: /^\/api\/auth\/providers$/, methods: { GET: { handler: ssoProviders, auth: false, body: false } } },
	{ pattern: /^\/api\/auth\/oidc\/([^/]+)\/start$/, methods: { GET: { handler: ssoStart, auth: false, body: false } } },
	{ pattern: /^\/api\/auth\/oidc\/([^/]+)\/callback$/, methods: { GET: { handler: ssoCallback, auth: false, body: false } } },
	{ pattern: /^\/api\/auth\/sso\/session$/, methods: { POST: { handler: ssoSession, auth: false, body: true } } },
	{ pattern: /^\/api\/me$/, methods: { GET: { handler: me, auth: true, body: false } } },
	{ pattern: /^\/api\/directory$/, methods: { GET: { handler: directory, auth: true, body: false } } },
	{ pattern: /^\/api\/ice-servers$/, methods: { GET: { handler: iceServers, auth: true, body: false } } },
	{
		pattern: /^\/api\/conversations$/,
		methods: {
			GET: { handler: listConversations, auth: true, body: false },
			POST: { handler: registerConversation, auth: true, body: true }
		}
	},
	{ pattern: /^\/api\/conversations\/([^/]+)\/members$/, methods: { POST: { handler: addMembers, auth: true, body: true } } },
	{ pattern: /^\/api\/conversations\/([^/]+)\/members\/remove$/, methods: { POST: { handler: removeMembers, auth: true, body: true } } },
	{ pattern: /^\/api\/conversations\/([^/]+)\/documents$/, methods: { POST: { handler: addDocument, auth: true, body: true } } },
	...adminRoutes
];

export function createApiHandler(ctx: ApiContext) {
	const blobs = ctx.blobs ?? openBlobStore(ctx.config);
	return async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
		// File routes carry raw chunk bytes, which the JSON router below does not read.
		const file = FILE_ROUTE.exec(pathname);
		try {
			const result = file ? await handleFileRequest(ctx, blobs, req, file, await authenticate(ctx, req)) : await route(ctx, req, pathname);
			if ('bytes' in result) {
				ctx.meter?.fileBytes('out', result.bytes.byteLength);
				sendBytes(res, result.status, result.bytes);
			} else sendJson(res, result.status, result.body, result.headers);
		} catch (err) {
			// A refused request may still be sending (an upload, or a body refused before it was read, e.g. without a
			// token): read a bounded rest so the client gets the answer, not a reset.
			const drained = await discardBody(req, 2 * MAX_CHUNK_SIZE);
			if (err instanceof HttpError)
				sendError(res, err.status, err.message, err.status === 413 || !drained ? { connection: 'close' } : {});
			else if (isDiskFull(err))
				sendError(res, 507, "The relay's disk is full, so nothing was saved. Ask the relay's administrator to free space on it, then try again.");
			else if (err instanceof StoreUnavailable)
				sendError(res, 503, "The relay cannot reach its database, so nothing was saved. Try again in a minute; if it persists, tell the relay's administrator.", { 'retry-after': '10' });
			// Another request (or relay node) changed the directory between this one's checks and its commit.
			else if (err instanceof DirectoryError) sendError(res, 409, `${err.message} Reload and try again.`);
			else {
				(ctx.log ?? silentLog).error({ req: requestIdOf(req), path: pathname, err: errorWithStack(err) }, 'An API request failed');
				sendError(res, 500, 'The relay failed to handle this request. Try again; if it persists, check the relay log.');
			}
		}
	};
}

async function route(ctx: ApiContext, req: IncomingMessage, pathname: string): Promise<ApiResult> {
	const found = routes.map((r) => ({ r, m: r.pattern.exec(pathname) })).find((x) => x.m);
	if (!found) throw new HttpError(404, `There is no API at ${pathname}.`);
	const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
	const spec = found.r.methods[method];
	if (!spec) {
		const allow = Object.keys(found.r.methods).join(', ');
		return { status: 405, body: { error: `${pathname} accepts ${allow} only.` }, headers: { allow } };
	}
	const actor = spec.auth ? await authenticate(ctx, req) : undefined;
	if (spec.auth && spec.admin && !actor!.admin) throw new HttpError(403, 'Only administrators may do this. Ask an administrator to grant you the rights.');
	const limit = (spec.auth && spec.maxBodyBytes) || ctx.config.apiMaxBodyBytes;
	const body = spec.body ? await readJsonBody(req, limit) : undefined;
	const request = { ctx, body, id: decodeSegment(found.m![1]), address: clientAddress(req, ctx.config.trustProxy), req };
	return spec.auth ? spec.handler({ ...request, actor: actor! }) : spec.handler(request);
}

async function authenticate(ctx: ApiContext, req: IncomingMessage): Promise<StoredPerson> {
	const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
	if (!match) throw new HttpError(401, 'Sign in first: this needs an Authorization: Bearer <token> header.');
	const check = await ctx.tokens.check(match[1]!);
	if (!check.ok) throw new HttpError(401, describeTokenProblem(check.reason));
	return ctx.store.person(check.userId)!;
}

function isDiskFull(err: unknown): boolean {
	const code = (err as NodeJS.ErrnoException | null)?.code;
	return code === 'ENOSPC' || code === 'EDQUOT';
}

function decodeSegment(segment: string | undefined): string {
	try {
		return segment === undefined ? '' : decodeURIComponent(segment);
	} catch {
		throw new HttpError(400, 'The address is not valid.');
	}
}
