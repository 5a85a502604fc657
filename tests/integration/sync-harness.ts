// Shared by the sync-*.test.ts files: a bare HTTP server with createSyncRelay and a token → user map (the real
// tokens and directory are tested in relay-*.test.ts), clients (ours and the stock one), and a raw socket.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cbor, decodeHeads, Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { WebSocket } from 'ws';
import { asUserId } from '../../src/lib/model/ids.ts';
import { createClientRepo, type ClientRepo, type ClientRepoOptions } from '../../src/lib/sync/client-repo.ts';
import { containsChanges } from '../../src/lib/sync/delivery.ts';
import { createSyncRelay, type SyncRelay } from '../../sync-server/sync/relay.ts';

export const FAST_BACKOFF = { initialMs: 50, maxMs: 400 };

export interface TestSyncRelay {
	relay: SyncRelay;
	/** ws://127.0.0.1:<port>/sync */
	url: string;
	port: number;
	dataDir: string;
	/** Lets these users read and write the document (and tells the relay, as the API does after registering). */
	grant(documentId: string, ...users: string[]): void;
	/** Closes the relay and the server, keeping DATA_DIR. */
	stop(): Promise<void>;
}

/** token `t-<user>` belongs to <user>; anything else is refused. */
export const tokenOf = (user: string) => `t-${user}`;

export async function startSyncRelay(options: { dataDir?: string; port?: number; maxMessageBytes?: number; idleUnloadMs?: number; acl?: Map<string, Set<string>> } = {}): Promise<TestSyncRelay> {
	const dataDir = options.dataDir ?? tempDir();
	const acl = options.acl ?? new Map<string, Set<string>>();
	const relay = await createSyncRelay({
		dataDir,
		maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
		idleUnloadMs: options.idleUnloadMs,
		access: {
			authenticate: async (token) => (token.startsWith('t-') ? asUserId(token.slice(2)) : null),
			mayRead: (userId, documentId) => acl.get(documentId)?.has(userId) ?? false
		}
	});
	const server = http.createServer((_req, res) => res.writeHead(404).end());
	server.on('upgrade', (req, socket, head) => {
		socket.on('error', () => socket.destroy());
		relay.handleUpgrade(req, socket, head);
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	let stopped: Promise<void> | undefined;
	return {
		relay,
		url: `ws://127.0.0.1:${port}/sync`,
		port,
		dataDir,
		grant(documentId, ...users) {
			const members = acl.get(documentId) ?? new Set<string>();
			for (const user of users) members.add(user);
			acl.set(documentId, members);
			relay.accessChanged([documentId]);
		},
		stop: () =>
			(stopped ??= (async () => {
				await relay.close();
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			})())
	};
}

export function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'caseroom-sync-'));
}

export function removeDir(dir: string): void {
	rmSync(dir, { recursive: true, force: true });
}

/** Our client layer, as the app builds it (no storage unless given). */
export function ourClient(url: string, user: string, options: Partial<ClientRepoOptions> = {}): ClientRepo {
	return createClientRepo({ url, token: tokenOf(user), userId: user, webSocket: WebSocket, backoff: FAST_BACKOFF, ...options });
}

/**
 * automerge-repo's own WebSocketClientAdapter, with a peer id of the form the relay requires. It starts a new socket
 * every `retryMs` until the relay's peer message arrives (its default is 5 s; short here so tests reconnect fast).
 */
export function stockClient(url: string, user: string, retryMs = 200): Repo {
	const adapter = new WebSocketClientAdapter(`${url}?token=${tokenOf(user)}`, retryMs);
	return new Repo({ network: [adapter], peerId: `${user}:stock${Math.random().toString(36).slice(2, 8)}` as PeerId });
}

/** A member's device, the app's client or a stock one, with what the tests ask of either. */
export interface Member {
	kind: MemberKind;
	repo: Repo;
	/** Resolves true once the relay acknowledged every local change of the document (its reported heads hold them). */
	acknowledged(handle: DocHandle<unknown>, timeoutMs: number): Promise<boolean>;
	device: Repo | ClientRepo;
}
export type MemberKind = 'our client' | 'stock client';

export function member(kind: MemberKind, url: string, user: string): Member {
	if (kind === 'our client') {
		const device = ourClient(url, user);
		return { kind, repo: device.repo, acknowledged: (handle, ms) => device.delivery.whenDelivered(handle, ms), device };
	}
	const repo = stockClient(url, user);
	return { kind, repo, acknowledged: (handle, ms) => stockAcknowledged(repo, handle, ms), device: repo };
}

/**
 * For a stock client, acknowledged means what it means for ours: the relay's heads, which automerge-repo records per
 * storage id from the relay's sync messages (and the relay only reports heads it has saved), hold every local change.
 */
async function stockAcknowledged(repo: Repo, handle: DocHandle<unknown>, timeoutMs: number): Promise<boolean> {
	const relayHeads = () => {
		const storageId = Object.values(repo.peerMetadataByPeerId).find((m) => m.storageId)?.storageId;
		return storageId ? handle.getSyncInfo(storageId)?.lastHeads : undefined;
	};
	const held = () => {
		const theirs = relayHeads();
		return theirs !== undefined && containsChanges(handle.doc(), decodeHeads(theirs), decodeHeads(handle.heads()));
	};
	return until(held, timeoutMs).then(
		() => true,
		() => false
	);
}

export async function shutdownAll(repos: (Repo | ClientRepo)[]): Promise<void> {
	await Promise.all(repos.map((r) => (r instanceof Repo ? r.shutdown().catch(() => {}) : r.shutdown())));
}

/** Resolves when `test` holds, polling; rejects after timeoutMs. */
export async function until(test: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const start = Date.now();
	while (!(await test())) {
		if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
		await sleep(10);
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const docText = (handle: DocHandle<unknown>) => JSON.stringify(handle.isReady() ? handle.doc() : null);

/** A raw WebSocket speaking CBOR frames: everything received is kept, decoded and as bytes. */
export interface RawSocket {
	socket: WebSocket;
	frames: Record<string, unknown>[];
	bytes: Buffer[];
	send(frame: unknown): void;
	/** Resolves with the close code once the relay closed the socket. */
	closed: Promise<number>;
	opened: Promise<void>;
}

export function rawSocket(url: string, token: string | null): RawSocket {
	const socket = new WebSocket(token === null ? url : `${url}?token=${encodeURIComponent(token)}`);
	const frames: Record<string, unknown>[] = [];
	const bytes: Buffer[] = [];
	socket.on('error', () => {});
	socket.on('message', (data: Buffer) => {
		bytes.push(data);
		try {
			frames.push(cbor.decode(data));
		} catch {
			frames.push({ undecodable: true });
		}
	});
	return {
		socket,
		frames,
		bytes,
		send: (frame) => socket.send(cbor.encode(frame)),
		closed: new Promise((resolve) => socket.on('close', (code) => resolve(code))),
		opened: new Promise((resolve, reject) => {
			socket.on('open', () => resolve());
			socket.on('error', reject);
		})
	};
}

export const joinFrame = (peerId: string) => ({ type: 'join', senderId: peerId, peerMetadata: {}, supportedProtocolVersions: ['1'] });
