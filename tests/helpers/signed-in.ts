// Clients signed in as the app signs in (POST /api/login, then /sync with the token), and the demo case chat
// registered through the API: what integration tests against the whole relay start from.
import '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { removeDir, shutdownAll, until } from '../integration/sync-harness.ts';
import { petrsCaseChatWithAnna } from './demo-conversation.ts';
import { api, login, startRelay, tempDataDir, type TestRelay } from './relay.ts';

const FAST_BACKOFF = { initialMs: 50, maxMs: 400 };

/** `syncUrl` defaults to the relay's own /sync; pass a fault proxy's to put a bad network in between. */
export async function signedInClient(relayUrl: string, username: string, syncUrl = `${relayUrl.replace(/^http/, 'ws')}/sync`): Promise<ClientRepo> {
	const session = await login(relayUrl, username);
	const client = createClientRepo({ url: syncUrl, token: session.token, userId: session.user.id, webSocket: WebSocket, backoff: FAST_BACKOFF });
	await until(() => client.connection.current.status === 'online', 5000, `${username} online`);
	return client;
}

/**
 * One relay for the whole test file and the clients signed in to it, all shut down after the file: call at the top
 * level of a test file; `relay` is there once `beforeAll` has run.
 */
export function useRelayWithClients(): { readonly relay: TestRelay; signIn(username: string): Promise<ClientRepo> } {
	let relay: TestRelay | undefined;
	const clients: ClientRepo[] = [];
	beforeAll(async () => {
		relay = await startRelay();
	});
	afterAll(async () => {
		await shutdownAll(clients);
		await relay?.close();
	});
	return {
		get relay() {
			if (!relay) throw new Error('the relay starts in beforeAll');
			return relay;
		},
		async signIn(username) {
			const client = await signedInClient(this.relay.url, username);
			clients.push(client);
			return client;
		}
	};
}

/**
 * Temporary DATA_DIRs and signed-in clients of a test file that starts its own relays (several, stopped and started
 * again): after the file (its own afterAll hooks first), the clients still open are shut down and the folders removed.
 */
export function useDirsAndClients(prefix: string): { newDir(): string; client(url: string, username: string): Promise<ClientRepo>; clients: ClientRepo[] } {
	const dirs: string[] = [];
	const clients: ClientRepo[] = [];
	afterAll(async () => {
		await shutdownAll(clients);
		dirs.forEach(removeDir);
	});
	return {
		clients,
		newDir() {
			const dir = tempDataDir(prefix);
			dirs.push(dir);
			return dir;
		},
		async client(url, username) {
			const c = await signedInClient(url, username);
			clients.push(c);
			return c;
		}
	};
}

/** Petr's client creates the SC-1042 case chat with Anna, registers it, and waits until the relay holds it. */
export async function registeredCaseChat(relayUrl: string, petr: ClientRepo, change?: (doc: ConversationDoc) => void): Promise<DocHandle<ConversationDoc>> {
	const handle = petr.repo.create<ConversationDoc>(petrsCaseChatWithAnna());
	if (change) handle.change(change);
	const { token } = await login(relayUrl, 'petr');
	const registered = await api(relayUrl, '/api/conversations', {
		token,
		body: { documentId: handle.documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] }
	});
	expect(registered.status).toBe(201);
	expect(await petr.delivery.whenDelivered(handle, 5000)).toBe(true);
	return handle;
}
