// oidc-provider ships no types: the little of it the test identity provider uses.
declare module 'oidc-provider' {
	import type { IncomingMessage, ServerResponse } from 'node:http';

	interface Grant {
		addOIDCScope(scope: string): void;
		save(): Promise<string>;
	}
	interface OidcContext {
		oidc: {
			client: { clientId: string };
			session: { accountId?: string; grantIdFor(clientId: string): string | undefined };
			result?: { consent?: { grantId?: string } };
			provider: Provider;
		};
	}
	export interface Account {
		accountId: string;
		claims(): Promise<Record<string, unknown>>;
	}
	export default class Provider {
		constructor(issuer: string, configuration: Record<string, unknown>);
		proxy: boolean;
		Grant: { new (init: { accountId?: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
		callback(): (req: IncomingMessage, res: ServerResponse) => void;
	}
	export type { OidcContext };
}
