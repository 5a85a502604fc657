// Reads no UI state. What a provider's claims about a person mean here: the first of the provider's rules that they
// meet (an email domain, a group or other claim's value), and the name and username a new person gets from them.
import type { ClaimRule } from './provider-config.ts';

/** The ID token's claims merged with the UserInfo response: untrusted shapes, checked where read. */
export type Claims = Record<string, unknown>;

/** The first rule these claims meet, or null: nobody gets in by a rule they do not meet. */
export function matchingRule(rules: readonly ClaimRule[], claims: Claims): ClaimRule | null {
	return rules.find((rule) => meets(rule, claims)) ?? null;
}

function meets(rule: ClaimRule, claims: Claims): boolean {
	if (rule.anyone) return true;
	if (rule.emailDomains) {
		const domain = verifiedEmail(claims)?.split('@')[1];
		if (!domain || !rule.emailDomains.includes(domain)) return false;
	}
	if (rule.claim !== undefined) {
		const value = claims[rule.claim];
		const values = Array.isArray(value) ? value : [value];
		if (!values.some((v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === rule.value)) return false;
	}
	return true;
}

/** The email, lower case, unless the provider says it is not verified (many never say: that counts as verified). */
export function verifiedEmail(claims: Claims): string | null {
	const email = claims.email;
	if (typeof email !== 'string' || claims.email_verified === false || claims.email_verified === 'false') return null;
	const lower = email.trim().toLowerCase();
	return /^[^\s@]+@[^\s@]+$/.test(lower) ? lower : null;
}

/** The display name: `name`, else given + family name, else the email or the provider's username. */
export function displayName(claims: Claims): string {
	const text = (key: string) => (typeof claims[key] === 'string' ? (claims[key] as string).trim().slice(0, 200) : '');
	const given = [text('given_name'), text('family_name')].filter(Boolean).join(' ');
	return text('name') || given || verifiedEmail(claims) || text('preferred_username') || `${text('sub').slice(0, 40)}`;
}

/**
 * A username for the admin tool and the directory: the provider's `preferred_username` or the email's local part,
 * reduced to the characters local usernames use, and made unique with "-2", "-3", … (a local "anna" keeps hers).
 */
export function newUsername(claims: Claims, taken: (username: string) => boolean): string {
	const source = (typeof claims.preferred_username === 'string' ? claims.preferred_username.split('@')[0] : undefined) ?? verifiedEmail(claims)?.split('@')[0] ?? 'person';
	const base =
		source
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9._-]+/g, '-')
			.replace(/^[^a-z0-9]+/, '')
			.slice(0, 56) || 'person';
	if (!taken(base)) return base;
	for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}
