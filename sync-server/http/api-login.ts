// POST /api/login: checks a username and password, throttles repeated failures, issues a signed token.
import { MAX_PASSWORD_LENGTH, spendPasswordTime, verifyPassword } from '../auth/passwords.ts';
import { publicUser } from './api-views.ts';
import type { StoredPerson } from '../directory/events.ts';
import type { ApiContext, ApiResult, PublicRequest } from './api.ts';
import { HttpError } from './http-util.ts';
import { object } from './validate.ts';

const WRONG = 'Wrong username or password.';

export async function login({ ctx, body, address }: PublicRequest): Promise<ApiResult> {
	const input = object(body);
	if (typeof input.username !== 'string' || typeof input.password !== 'string')
		throw new HttpError(400, 'Send { "username": "...", "password": "..." }.');
	const username = input.username.trim().toLowerCase();
	const password = input.password;

	const decision = ctx.throttle.check(username, address);
	if (!decision.allowed) {
		ctx.meter?.signIn('throttled');
		const seconds = decision.retryAfterSeconds;
		return {
			status: 429,
			body: { error: `Too many failed sign-ins. Try again in ${seconds} seconds.` },
			headers: { 'retry-after': String(seconds) }
		};
	}

	const person = ctx.store.personByUsername(username);
	const valid =
		password.length <= MAX_PASSWORD_LENGTH &&
		(person ? await verifyPassword(password, person.passwordHash) : await spendPasswordTime(password));
	// A disabled person gets the same answer as a wrong password: the sign-in form need not say more.
	if (!valid || !person || person.disabled) {
		ctx.throttle.recordFailure(username, address);
		ctx.meter?.signIn('wrong');
		throw new HttpError(401, WRONG);
	}
	ctx.throttle.recordSuccess(username);
	return signedIn(ctx, person);
}

/** The answer to a successful sign-in (by password, or by single sign-on's hand-off): a fresh token and the person. */
export function signedIn(ctx: ApiContext, person: StoredPerson): ApiResult {
	ctx.meter?.signIn('ok');
	const { token, expiresAt } = ctx.tokens.issue(person.id, person.tokenEpoch);
	return { status: 200, body: { token, expiresAt, user: publicUser(ctx.store, person) } };
}
