// /sync: the relay's automerge-repo. Authenticates the WebSocket upgrade, serves each document only to the
// users who may read it, never tells anyone of a document they have not asked about, and acknowledges a change only once it is on disk.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import path from 'node:path';
import type stream from 'node:stream';
import { isValidDocumentId, Repo, type DocumentId, type PeerId } from '@automerge/automerge-repo';
import { WebSocketServer } from 'ws';
import type { UserId } from '../../src/lib/model/ids.ts';
import { refuseUpgrade } from '../http/http-util.ts';
import type { BucketSpec } from '../http/rate-limit.ts';
import { RelayNetworkAdapter } from './network.ts';
import { DurableFsStorageAdapter } from '../storage/fs-chunks.ts';

export interface SyncAccess {
	/** The signed-in user behind a token, or null. */
	authenticate(token: string): UserId | null;
	/** This user may read and write this document. */
	mayRead(userId: UserId, documentId: string): boolean;
}

export interface SyncRelay {
	/** Path /sync, token in the `token` query parameter; a missing or bad token gets a raw 401. */
	handleUpgrade(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer): void;
	/** A conversation was registered, or members or documents were added: start serving who may now read. */
	accessChanged(documentIds: string[]): void;
	/** These users were removed from the conversation these documents belong to: nothing of them reaches them now. */
	accessRevoked(userIds: UserId[], documentIds: string[]): void;
	/** Closes every socket of this user at once. */
	disconnectUser(userId: UserId): void;
	connectionCount(): number;
	close(): Promise<void>;
}

export interface SyncRelayOptions {
	dataDir: string;
	access: SyncAccess;
	maxMessageBytes: number;
	/** What one socket may send; over it, the socket is closed with 1008 (policy). Unlimited when omitted. */
	socketLimits?: { messages: BucketSpec; bytes: BucketSpec };
	log?: (message: string) => void;
}

export async function createSyncRelay(options: SyncRelayOptions): Promise<SyncRelay> {
	const { access, log = () => {} } = options;
	const storage = new DurableFsStorageAdapter(path.join(options.dataDir, 'automerge'));
	const mayRead = (userId: UserId, documentId: string) => {
		try {
			return access.mayRead(userId, documentId);
		} catch (error) {
			log(`Access check for ${documentId} failed: ${String(error)}`);
			return false;
		}
	};
	let repo: Repo | undefined;
	const mayReadAs = (peerId: PeerId, documentId: string) => {
		const userId = adapter.userOf(peerId);
		return userId !== undefined && mayRead(userId, documentId);
	};
	const adapter = new RelayNetworkAdapter({
		mayRead,
		// Only a ready document has anything to save (one still being requested sends empty sync messages).
		save: async (documentId) => {
			const handle = repo?.handles[documentId as DocumentId];
			if (handle?.isReady()) await repo!.flush([documentId as DocumentId]);
		},
		socketLimits: options.socketLimits,
		log
	});
	repo = new Repo({
		storage,
		network: [adapter],
		peerId: `relay-${randomBytes(6).toString('hex')}` as PeerId,
		shareConfig: {
			// Never tells anyone of a document they did not ask about. It does resume sync, unasked, with a user who
			// asked before: automerge-repo keeps a peer's sync state across a reconnect and resets it only when it
			// begins syncing with that peer, so without this, whatever the relay sent on a connection that died
			// (a change, or the acknowledgement of one) would count as received and never be sent again.
			announce: async (peerId, documentId) => documentId !== undefined && adapter.hasAsked(peerId, documentId) && mayReadAs(peerId, documentId),
			access: async (peerId, documentId) => documentId !== undefined && mayReadAs(peerId, documentId)
		}
	});
	await adapter.whenReady();
	const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
	wss.on('error', (error) => log(`Sync WebSocket server: ${error.message}`));
	let closing: Promise<void> | undefined;

	return {
		handleUpgrade(req, socket, head) {
			const userId = closing ? null : authenticate(access, req, log);
			if (!userId) return closing ? refuseUpgrade(socket, 503, 'The relay is shutting down.') : refuseUpgrade(socket, 401);
			wss.handleUpgrade(req, socket, head, (ws) => adapter.attach(ws, userId));
		},
		accessChanged(documentIds) {
			for (const id of documentIds) {
				if (!isValidDocumentId(id) || repo.handles[id]) continue;
				// The relay asks every member who already asked for it (an offline draft): the document flows in
				// without anyone reconnecting. A document nobody has yet ends up unavailable until someone sends it.
				repo.find(id, { allowableStates: ['ready', 'unavailable'] }).catch(() => {});
			}
			repo.shareConfigChanged();
		},
		accessRevoked(userIds, documentIds) {
			// Every message out is checked against the ACL as it leaves (network.ts): this also ends the
			// Repo's sync with their peers, so it stops computing changes for them.
			adapter.revoke(userIds, documentIds);
			repo.shareConfigChanged();
		},
		disconnectUser: (userId) => adapter.disconnectUser(userId),
		connectionCount: () => adapter.connectionCount(),
		close: () => (closing ??= shutdown())
	};

	async function shutdown(): Promise<void> {
		adapter.disconnect();
		for (const client of wss.clients) client.terminate();
		await new Promise<void>((resolve) => wss.close(() => resolve()));
		try {
			const ready = Object.values(repo!.handles).filter((h) => h.isReady()).map((h) => h.documentId);
			await repo!.flush(ready);
			// shutdown() flushes every handle, and throws on those that never became ready: all saved above.
			await repo!.shutdown().catch(() => {});
		} finally {
			await storage.close();
		}
	}
}

function authenticate(access: SyncAccess, req: http.IncomingMessage, log: (message: string) => void): UserId | null {
	try {
		const token = new URL(req.url ?? '/', 'http://relay').searchParams.get('token');
		return token ? access.authenticate(token) : null;
	} catch (error) {
		log(`Sync authentication failed: ${String(error)}`);
		return null;
	}
}
