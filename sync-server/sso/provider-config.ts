// Single sign-on providers as the administrator configures them (OIDC_PROVIDERS, or the JSON file OIDC_PROVIDERS_FILE
// names): each an OpenID Connect issuer, this relay's client id and secret there, and the rules that map a person the
// provider vouches for to an organisation and role here. Checked once at start, with a message naming what is wrong.
// Reads no UI state.
import type { Role } from '../../src/lib/model/directory.ts';
import { asOrgId, type OrgId } from '../../src/lib/model/ids.ts';

/** Who a rule lets in: every condition given must hold (an email domain, a claim's value). */
export interface ClaimRule {
	/** The `email` claim ends in `@<one of these>` (and `email_verified` is not false). */
	emailDomains?: string[];
	/** This claim equals `value`, or is an array (a group claim) that contains it. */
	claim?: string;
	value?: string;
	/** Lets in everyone the provider signs in (a customer's own provider); must be said explicitly. */
	anyone?: boolean;
	org: OrgId;
	role: Role;
}

export interface SsoProvider {
	/** Used in addresses (`/api/auth/oidc/<id>/callback`) and stored with each person it signs in: never change it. */
	id: string;
	/** Shown on the button: "Sign in with <name>". */
	name: string;
	issuer: string;
	clientId: string;
	clientSecret: string;
	scopes: string[];
	/** Passed on to the provider, e.g. `login` to ask for the password every time on shared tablets. */
	prompt: string | null;
	rules: ClaimRule[];
}

export class SsoConfigError extends Error {}

const ROLES: readonly Role[] = ['engineer', 'customer'];
const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** Parses the JSON array of providers; `source` names where it came from in messages. */
export function parseSsoProviders(json: string, source: string): SsoProvider[] {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch (err) {
		throw new SsoConfigError(`${source} is not valid JSON (${(err as Error).message}).`);
	}
	if (!Array.isArray(parsed)) throw new SsoConfigError(`${source} must be a JSON array of providers, e.g. [{"id":"gfms","name":"GFMS","issuer":"https://…","clientId":"…","clientSecret":"…","rules":[…]}].`);
	const providers = parsed.map((p, i) => provider(p, `${source}[${i}]`));
	const ids = providers.map((p) => p.id);
	const twice = ids.find((id, i) => ids.indexOf(id) !== i);
	if (twice) throw new SsoConfigError(`${source}: two providers have the id "${twice}"; each needs its own.`);
	return providers;
}

function provider(value: unknown, where: string): SsoProvider {
	const p = record(value, where);
	known(p, where, ['id', 'name', 'issuer', 'clientId', 'clientSecret', 'scopes', 'prompt', 'rules']);
	const id = text(p, 'id', where);
	if (!ID.test(id)) throw new SsoConfigError(`${where}.id must be 1-32 lower-case letters, digits or "-" (it appears in the callback address), not "${id}".`);
	const issuer = text(p, 'issuer', where);
	let url: URL | undefined;
	try {
		url = new URL(issuer);
	} catch {
		/* reported below */
	}
	if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))))
		throw new SsoConfigError(`${where}.issuer must be the provider's https:// issuer URL (http:// only on this machine, for tests), not "${issuer}".`);
	const scopes = p.scopes === undefined ? ['openid', 'email', 'profile'] : strings(p.scopes, `${where}.scopes`);
	if (!scopes.includes('openid')) throw new SsoConfigError(`${where}.scopes must include "openid".`);
	const rules = p.rules;
	if (!Array.isArray(rules) || rules.length === 0)
		throw new SsoConfigError(`${where}.rules must be a non-empty array: without a rule nobody from this provider could sign in.`);
	return {
		id,
		name: text(p, 'name', where),
		issuer,
		clientId: text(p, 'clientId', where),
		clientSecret: text(p, 'clientSecret', where),
		scopes,
		prompt: p.prompt === undefined ? null : text(p, 'prompt', where),
		rules: rules.map((r, i) => rule(r, `${where}.rules[${i}]`))
	};
}

function rule(value: unknown, where: string): ClaimRule {
	const r = record(value, where);
	known(r, where, ['emailDomain', 'claim', 'value', 'anyone', 'org', 'role']);
	const role = text(r, 'role', where) as Role;
	if (!ROLES.includes(role)) throw new SsoConfigError(`${where}.role must be one of ${ROLES.join(', ')}, not "${role}".`);
	const result: ClaimRule = { org: asOrgId(text(r, 'org', where)), role };
	if (r.emailDomain !== undefined) {
		const domains = typeof r.emailDomain === 'string' ? [r.emailDomain] : strings(r.emailDomain, `${where}.emailDomain`);
		result.emailDomains = domains.map((d) => d.trim().toLowerCase().replace(/^@/, ''));
		if (result.emailDomains.some((d) => !/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(d)))
			throw new SsoConfigError(`${where}.emailDomain must be domains like "gfms.com", not ${JSON.stringify(r.emailDomain)}.`);
	}
	if ((r.claim === undefined) !== (r.value === undefined)) throw new SsoConfigError(`${where}: "claim" and "value" go together (e.g. "claim": "groups", "value": "caseroom-engineers").`);
	if (r.claim !== undefined) {
		result.claim = text(r, 'claim', where);
		result.value = text(r, 'value', where);
	}
	if (r.anyone !== undefined && r.anyone !== true) throw new SsoConfigError(`${where}.anyone can only be true.`);
	if (r.anyone) result.anyone = true;
	const conditions = [result.emailDomains, result.claim, result.anyone].filter((c) => c !== undefined).length;
	if (conditions === 0) throw new SsoConfigError(`${where} needs a condition: "emailDomain", "claim" + "value", or "anyone": true.`);
	if (result.anyone && conditions > 1) throw new SsoConfigError(`${where}: "anyone" cannot be combined with other conditions.`);
	return result;
}

function record(value: unknown, where: string): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SsoConfigError(`${where} must be a JSON object.`);
	return value as Record<string, unknown>;
}

function known(value: Record<string, unknown>, where: string, fields: string[]): void {
	const unknown = Object.keys(value).find((k) => !fields.includes(k));
	if (unknown) throw new SsoConfigError(`${where} has an unknown field "${unknown}" (known: ${fields.join(', ')}).`);
}

function text(value: Record<string, unknown>, field: string, where: string): string {
	const v = value[field];
	if (typeof v !== 'string' || v.trim() === '') throw new SsoConfigError(`${where}.${field} must be a non-empty string.`);
	return v.trim();
}

function strings(value: unknown, where: string): string[] {
	if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.trim() !== ''))
		throw new SsoConfigError(`${where} must be a non-empty array of strings.`);
	return value.map((v: string) => v.trim());
}
