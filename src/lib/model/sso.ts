// Reads no UI state. Single sign-on's wire shapes, shared by the relay and the app: the providers GET
// /api/auth/providers lists, and the reasons a refused sign-in comes back to the sign-in page with.
export interface SsoProviderInfo {
	id: string;
	/** Shown on the button: "Sign in with <name>". */
	name: string;
	/** The relay's address that starts a sign-in with this provider. */
	start: string;
}

export const SSO_FAILURES = ['unknown-provider', 'unreachable', 'provider-refused', 'failed', 'expired', 'other-browser', 'no-rule', 'no-org', 'disabled'] as const;
export type SsoFailure = (typeof SSO_FAILURES)[number];

export const isSsoFailure = (value: string): value is SsoFailure => (SSO_FAILURES as readonly string[]).includes(value);
