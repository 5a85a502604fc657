// Single sign-on as the relay runs it: a sign-in starts (its secrets kept here, bound to the browser by a random
// value in a cookie), comes back from the provider, is checked, and ends in a person: the one linked to the
// provider's subject at an earlier sign-in, or one the provider's claim rules let the relay create now. The app then
// trades a one-time hand-off code for the same session POST /api/login gives, so no token travels in a URL.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { asUserId, type UserId } from '../../src/lib/model/ids.ts';
import type { SsoFailure } from '../../src/lib/model/sso.ts';
import type { Identity, StoredPerson } from '../directory/events.ts';
import { DirectoryError } from '../directory/state.ts';
import { StoreUnavailable } from '../storage/store-unavailable.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { displayName, matchingRule, newUsername, verifiedEmail, type Claims } from './claim-rules.ts';
import { createOidcClients, OidcProblem, type FlowSecrets, type OidcClients } from './oidc-client.ts';
import { memoryOneTimeStores, type OneTimeStores } from './one-time-store.ts';
import type { SsoProvider } from './provider-config.ts';

/** A refusal's reason (SsoFailure) is said in words by the app: sso.error.* in src/lib/session/sso-messages.ts. */
export type SsoOutcome = { ok: true; handOff: string; person: StoredPerson } | { ok: false; reason: SsoFailure };

export interface SingleSignOn {
	providers(): { id: string; name: string }[];
	/** Starts a sign-in: where to send the browser, and the value its cookie must carry back. */
	begin(providerId: string, redirectUri: string, address: string): Promise<{ ok: true; location: string; binding: string } | { ok: false; reason: SsoFailure }>;
	/** The provider sent the browser back to the callback with this query, and this cookie value (if any). */
	finish(providerId: string, query: URLSearchParams, binding: string | undefined, address: string): Promise<SsoOutcome>;
	/** The person a hand-off code was issued for, once (on any node), within HAND_OFF_MS. */
	redeem(handOff: string): Promise<UserId | undefined>;
}

interface Flow extends FlowSecrets {
	provider: string;
	binding: string;
}

/** Time at the provider (password, second factor) before the relay forgets the sign-in. */
export const FLOW_MS = 10 * 60_000;
/** From the callback to the app asking for its session: a page load. */
export const HAND_OFF_MS = 2 * 60_000;
/** Sized for a plant behind one NAT address signing in at shift start (the front door limits the rate too). */
const LIMITS = { max: 20_000, maxPerAddress: 2_000 };

export function createSingleSignOn(options: {
	providers: readonly SsoProvider[];
	store: DirectoryStore;
	now: () => number;
	log: (message: string) => void;
	oidc?: OidcClients;
	/** Where sign-ins in progress and hand-off codes wait: this node's memory unless given (PostgreSQL). */
	oneTime?: OneTimeStores;
}): SingleSignOn {
	const { providers, store, now, log } = options;
	const oidc = options.oidc ?? createOidcClients();
	const oneTime = options.oneTime ?? memoryOneTimeStores(now);
	const flows = oneTime<Flow>('flow', { ttlMs: FLOW_MS, ...LIMITS });
	const handOffs = oneTime<UserId>('hand-off', { ttlMs: HAND_OFF_MS, ...LIMITS });
	const find = (id: string) => providers.find((p) => p.id === id);

	/** The shared store (PostgreSQL) out of reach: this sign-in fails, and the app says to try again. */
	const failedIfUnreachable = (err: unknown): { ok: false; reason: SsoFailure } => {
		if (!(err instanceof StoreUnavailable)) throw err;
		log(`Single sign-on failed: ${err.message}`);
		return { ok: false, reason: 'failed' };
	};

	async function personFor(provider: SsoProvider, claims: Claims): Promise<StoredPerson | SsoFailure> {
		const identity: Identity = { provider: provider.id, subject: String(claims.sub) };
		const linked = store.personByIdentity(identity);
		if (linked) return linked.disabled ? 'disabled' : linked;
		const rule = matchingRule(provider.rules, claims);
		const who = `${provider.id} subject ${identity.subject} (${verifiedEmail(claims) ?? 'no verified email'})`;
		if (!rule) {
			log(`Single sign-on refused ${who}: no rule of ${provider.id} lets them in.`);
			return 'no-rule';
		}
		if (!store.organisation(rule.org)) {
			log(`Single sign-on refused ${who}: the rule names organisation "${rule.org}", which does not exist. Add it (npm run admin -- add-org) or fix OIDC_PROVIDERS.`);
			return 'no-org';
		}
		const username = newUsername(claims, (u) => store.personByUsername(u) !== undefined || store.person(asUserId(u)) !== undefined);
		const person: StoredPerson = { id: asUserId(username), username, name: displayName(claims), org: rule.org, role: rule.role, disabled: false, passwordHash: '', tokenEpoch: 0 };
		try {
			await store.commit({ type: 'personAddedBySignIn', person, identity });
		} catch (err) {
			// The same person signing in twice at once: the other sign-in created them.
			const created = err instanceof DirectoryError ? store.personByIdentity(identity) : undefined;
			if (!created) throw err;
			return created.disabled ? 'disabled' : created;
		}
		log(`Single sign-on created ${username} (${rule.org}, ${rule.role}) for ${who}.`);
		return store.person(person.id)!;
	}

	return {
		providers: () => providers.map((p) => ({ id: p.id, name: p.name })),
		begin: (providerId, redirectUri, address) => begin(providerId, redirectUri, address).catch(failedIfUnreachable),
		finish: (providerId, query, binding, address) => finish(providerId, query, binding, address).catch(failedIfUnreachable),
		redeem: (handOff) => handOffs.take(handOff)
	};

	async function begin(providerId: string, redirectUri: string, address: string): ReturnType<SingleSignOn['begin']> {
		const provider = find(providerId);
		if (!provider) return { ok: false, reason: 'unknown-provider' };
		try {
			const { url, secrets } = await oidc.begin(provider, redirectUri);
			const binding = randomBytes(32).toString('base64url');
			await flows.put(secrets.state, { ...secrets, provider: provider.id, binding }, address);
			return { ok: true, location: url.href, binding };
		} catch (err) {
			if (!(err instanceof OidcProblem)) throw err;
			log(`Single sign-on could not start: ${err.message}`);
			return { ok: false, reason: err.reason };
		}
	}

	async function finish(providerId: string, query: URLSearchParams, binding: string | undefined, address: string): Promise<SsoOutcome> {
		const provider = find(providerId);
		if (!provider) return { ok: false, reason: 'unknown-provider' };
		// Taken at once: a callback replayed, or one whose state the relay never gave out, finds nothing.
		const flow = await flows.take(query.get('state') ?? '');
		if (!flow || flow.provider !== provider.id) return { ok: false, reason: 'expired' };
		if (!binding || !same(binding, flow.binding)) return { ok: false, reason: 'other-browser' };
		// The address the provider was given, whatever Host this request came with.
		const callbackUrl = new URL(flow.redirectUri);
		callbackUrl.search = query.toString();
		let claims: Claims;
		try {
			claims = await oidc.finish(provider, callbackUrl, flow);
		} catch (err) {
			if (!(err instanceof OidcProblem)) throw err;
			log(`Single sign-on failed: ${err.message}`);
			return { ok: false, reason: err.reason };
		}
		const person = await personFor(provider, claims);
		if (typeof person === 'string') return { ok: false, reason: person };
		const handOff = randomBytes(32).toString('base64url');
		await handOffs.put(handOff, person.id, address);
		return { ok: true, handOff, person };
	}
}

function same(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}
