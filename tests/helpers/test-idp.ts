// A real OpenID Provider for tests: oidc-provider (the certified Node implementation) on its own port, with one
// confidential client for the relay, accounts carrying the claims a company directory sends (email, name, groups),
// and its development login form (the account is whoever types its id; any password). Consent is given by itself,
// as for a first-party client, so a flow is: the relay's start → login form → back to the relay's callback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type OidcContext } from 'oidc-provider';

export interface TestAccount {
	email?: string;
	email_verified?: boolean;
	name?: string;
	preferred_username?: string;
	groups?: string[];
}

export interface TestIdp {
	/** e.g. http://localhost:41234 (the relay accepts http:// for an issuer on this machine). */
	issuer: string;
	/** Registers the relay's client with its callback addresses (known once the relay listens), replacing any before;
	 * serves from then on. */
	register(client: { clientId: string; clientSecret: string; redirectUris: string[] }): void;
	close(): Promise<void>;
}

/** Listens at once, so the relay can be configured with the issuer; the client is registered once the relay is up. */
export async function startTestIdp(accounts: Record<string, TestAccount>, host = 'localhost'): Promise<TestIdp> {
	const server = http.createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		// Every interface: "localhost" may resolve to ::1 or 127.0.0.1, and a second provider is told apart by its own
		// loopback address (127.0.0.2), since browsers share cookies between ports of one host.
		server.listen(0, () => resolve());
	});
	const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
	let handler: ReturnType<Provider['callback']> | null = null;
	server.on('request', (req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
	const register: TestIdp['register'] = (client) => void (handler = createProvider(issuer, accounts, client).callback());
	return {
		issuer,
		register,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			})
	};
}

function createProvider(issuer: string, accounts: Record<string, TestAccount>, client: { clientId: string; clientSecret: string; redirectUris: string[] }): Provider {
	return new Provider(issuer, {
		clients: [
			{
				client_id: client.clientId,
				client_secret: client.clientSecret,
				redirect_uris: client.redirectUris,
				response_types: ['code'],
				grant_types: ['authorization_code'],
				token_endpoint_auth_method: 'client_secret_basic'
			}
		],
		scopes: ['openid', 'email', 'profile', 'groups'],
		claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], groups: ['groups'] },
		async findAccount(_ctx: unknown, id: string) {
			const account = accounts[id];
			return account && { accountId: id, claims: async () => ({ sub: id, ...account }) };
		},
		async loadExistingGrant(ctx: OidcContext) {
			const { client, session, result, provider: op } = ctx.oidc;
			const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
			if (grantId) return op.Grant.find(grantId);
			const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
			grant.addOIDCScope('openid email profile groups');
			await grant.save();
			return grant;
		},
		pkce: { required: () => true },
		// A working day's session at the provider; the rest short, as a company's provider would set them.
		ttl: { Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
		cookies: { keys: ['caseroom-test-idp-cookie-key'] },
		features: { devInteractions: { enabled: true } }
	});
}
