// The app's Repo: the given storage (IndexedDB in the browser), the relay connection with the sign-in token, the
// connection state and per-document delivery. Imports the slim automerge-repo: the caller initialises the wasm first
// (the app with initializeWasm, Node by importing '@automerge/automerge' once).
import { Repo, type NetworkAdapterInterface, type PeerId, type StorageAdapterInterface } from '@automerge/automerge-repo/slim';
import { randomHex } from '../hex';
import type { BackoffOptions } from './backoff';
import type { ConnectionState } from './connection-state';
import { createDelivery, type Delivery } from './delivery';
import type { DeviceStorage } from './device';
import { createRelayMemory } from './relay-memory';
import { RelayClientAdapter } from './websocket-client-adapter';
import type { WebSocketConstructor } from './websocket-like';

export interface ClientRepoOptions {
	/** ws(s)://host/sync */
	url: string;
	token: string;
	userId: string;
	/** Omitted: nothing is kept (tests). */
	storage?: StorageAdapterInterface;
	/** Defaults to globalThis.WebSocket. */
	webSocket?: WebSocketConstructor;
	/** See RelayClientAdapterOptions.onAuthSuspect. */
	onAuthSuspect?: () => void;
	backoff?: BackoffOptions;
	/** More adapters, e.g. a BroadcastChannel between the app's windows. */
	network?: NetworkAdapterInterface[];
	/** The browser's storage health and ledger, when `storage` is the device's (see device-storage.ts). */
	device?: DeviceStorage;
}

export interface ClientRepo {
	repo: Repo;
	connection: ConnectionState;
	delivery: Delivery;
	/** The relay adapter itself (relay peer id, reconnectNow). */
	relay: RelayClientAdapter;
	/** See ClientRepoOptions.device. */
	device?: DeviceStorage;
	setToken(token: string): void;
	/** Disconnects and saves everything to storage. */
	shutdown(): Promise<void>;
}

/**
 * The relay binds a peer id to the signed-in user: it must read `${userId}:${suffix}`, the suffix 1-64 of
 * [A-Za-z0-9_-]. A fresh suffix per Repo lets the same user have several devices and windows.
 */
export function makePeerId(userId: string): PeerId {
	return `${userId}:${randomHex(9)}` as PeerId;
}

export function createClientRepo(options: ClientRepoOptions): ClientRepo {
	const relay = new RelayClientAdapter({
		url: options.url,
		token: options.token,
		webSocket: options.webSocket,
		onAuthSuspect: options.onAuthSuspect,
		backoff: options.backoff
	});
	const peerId = makePeerId(options.userId);
	// Offer documents to the relay and to this user's own windows. Everything arriving came through the relay, which
	// checked it, or from our own windows; ephemeral messages the relay forwards keep their author's peer id.
	const announce = async (peer: PeerId) => peer === relay.relayPeerId || peer.slice(0, peer.lastIndexOf(':')) === options.userId;
	const repo = new Repo({
		storage: options.storage,
		network: [relay, ...(options.network ?? [])],
		peerId,
		shareConfig: { announce, access: async () => true }
	});
	return {
		repo,
		connection: relay.connection,
		delivery: createDelivery(relay.connection, createRelayMemory(repo, relay.connection)),
		relay,
		device: options.device,
		setToken: (token) => relay.setToken(token),
		shutdown: async () => {
			await shutdown(repo);
			options.device?.storage.close();
		}
	};
}

/** Repo.shutdown() throws on handles that never became ready (unavailable documents): save the ready ones first. */
async function shutdown(repo: Repo): Promise<void> {
	await repo.flush(Object.values(repo.handles).filter((h) => h.isReady()).map((h) => h.documentId));
	await repo.shutdown().catch(() => {});
}
