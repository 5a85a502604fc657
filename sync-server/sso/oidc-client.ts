// The OpenID Connect side of single sign-on, through openid-client: discovery of each provider (on first use, and
// again after a failure, so a provider that is down when the relay starts does not stop it), the authorization URL
// with PKCE (S256), state and nonce, and the code exchange that checks them and returns the person's claims.
import * as oidc from 'openid-client';
import type { Claims } from './claim-rules.ts';
import type { SsoProvider } from './provider-config.ts';

/** Why a sign-in did not get as far as the person's claims. */
export type OidcFailure = 'unreachable' | 'provider-refused' | 'failed';

export class OidcProblem extends Error {
	constructor(
		readonly reason: OidcFailure,
		message: string
	) {
		super(message);
	}
}

/** What the relay keeps of a sign-in between sending the person to the provider and their return. */
export interface FlowSecrets {
	state: string;
	nonce: string;
	verifier: string;
	redirectUri: string;
}

export interface OidcClients {
	/** New secrets and the provider's authorization URL for them. */
	begin(provider: SsoProvider, redirectUri: string): Promise<{ url: URL; secrets: FlowSecrets }>;
	/** Checks the callback against the secrets, exchanges the code, and returns the ID token's and UserInfo's claims. */
	finish(provider: SsoProvider, callbackUrl: URL, secrets: FlowSecrets): Promise<Claims>;
}

const DISCOVERY_TIMEOUT_SECONDS = 10;

export function createOidcClients(): OidcClients {
	const configurations = new Map<string, Promise<oidc.Configuration>>();
	const configuration = (provider: SsoProvider) => {
		let found = configurations.get(provider.id);
		if (!found) {
			const issuer = new URL(provider.issuer);
			found = oidc.discovery(issuer, provider.clientId, provider.clientSecret, oidc.ClientSecretBasic(provider.clientSecret), {
				// The configuration allows http:// only for an issuer on this machine (tests, a provider beside the relay).
				execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
				timeout: DISCOVERY_TIMEOUT_SECONDS
			});
			configurations.set(provider.id, found);
			found.catch(() => configurations.delete(provider.id));
		}
		return found.catch((err: unknown) => {
			throw new OidcProblem('unreachable', `${provider.name} (${provider.issuer}) could not be reached: ${describe(err)}`);
		});
	};

	return {
		async begin(provider, redirectUri) {
			const config = await configuration(provider);
			const secrets: FlowSecrets = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), redirectUri };
			const parameters: Record<string, string> = {
				redirect_uri: redirectUri,
				scope: provider.scopes.join(' '),
				code_challenge: await oidc.calculatePKCECodeChallenge(secrets.verifier),
				code_challenge_method: 'S256',
				state: secrets.state,
				nonce: secrets.nonce
			};
			if (provider.prompt) parameters.prompt = provider.prompt;
			return { url: oidc.buildAuthorizationUrl(config, parameters), secrets };
		},
		async finish(provider, callbackUrl, secrets) {
			const config = await configuration(provider);
			try {
				const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
					pkceCodeVerifier: secrets.verifier,
					expectedState: secrets.state,
					expectedNonce: secrets.nonce,
					idTokenExpected: true
				});
				const idToken = tokens.claims()!;
				// Many providers put email, name and groups only in UserInfo (oidc-provider does, by default).
				const userInfo = config.serverMetadata().userinfo_endpoint ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub) : {};
				return { ...userInfo, ...idToken };
			} catch (err) {
				if (err instanceof oidc.AuthorizationResponseError)
					throw new OidcProblem('provider-refused', `${provider.name} refused the sign-in: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`);
				if ((err instanceof TypeError && /fetch failed/i.test(err.message)) || (err as Error)?.name === 'TimeoutError')
					throw new OidcProblem('unreachable', `${provider.name} could not be reached: ${describe(err)}`);
				throw new OidcProblem('failed', `The sign-in with ${provider.name} could not be checked: ${describe(err)}`);
			}
		}
	};
}

function describe(err: unknown): string {
	const e = err as Error & { cause?: unknown; code?: string };
	const cause = e?.cause instanceof Error ? ` (${e.cause.message})` : '';
	return `${e?.message ?? String(err)}${cause}`;
}
