// A member's device reduced to the sync protocol: a raw WebSocket speaking automerge-repo's wire format (join → peer,
// request / sync, CBOR), and Automerge's wasm document and sync state, with no Repo, no JavaScript document, no
// throttle. It answers every sync message at once, as a client must, so a relay sees the same protocol work; but a
// hundred of them cost the bench process little, so figures taken with them measure the relay, not the clients.
import { randomBytes } from 'node:crypto';
import { Encoder, decode } from 'cbor-x';
import { WebSocket } from 'ws';
import { backend, forgetPatches, type WasmDocument, type WasmSyncState } from '../../sync-server/storage/automerge-backend.ts';

/** The wasm document's writing and reading methods the light client uses besides those the relay needs. */
type WritableDocument = WasmDocument & {
	put(obj: '_root', prop: string, value: number): void;
	get(obj: '_root', prop: string): unknown;
	commit(): string | null;
};

const JOIN_TIMEOUT_MS = 10_000;

const encoder = new Encoder({ tagUint8Array: false, useRecords: false });

interface OpenDocument {
	doc: WritableDocument;
	state: WasmSyncState;
	onChange?: (doc: WritableDocument) => void;
}

export class LightClient {
	readonly peerId: string;
	readonly #socket: WebSocket;
	readonly #documents = new Map<string, OpenDocument>();
	#relayId = '';
	readonly joined: Promise<void>;

	/** `url`: ws://…/sync; the token `t-<user>` is what the Caseroom bench relay accepts (the stock relay ignores it). */
	constructor(url: string, user: string) {
		this.peerId = `${user}:${randomBytes(4).toString('hex')}`;
		this.#socket = new WebSocket(`${url}?token=t-${user}`);
		this.#socket.binaryType = 'nodebuffer';
		this.joined = new Promise((resolve, reject) => {
			// A relay that never answers the join must fail the run, not hang it.
			const timer = setTimeout(() => reject(new Error(`${this.peerId}: no answer to join within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS);
			this.#socket.once('error', reject);
			this.#socket.once('close', () => reject(new Error(`${this.peerId}: the relay closed the socket before answering the join`)));
			this.#socket.on('message', (data: Buffer) => {
				const message = decode(data) as { type: string; senderId: string; documentId?: string; data?: Uint8Array };
				if (message.type === 'peer') {
					this.#relayId = message.senderId;
					clearTimeout(timer);
					resolve();
				} else if ((message.type === 'sync' || message.type === 'request') && message.documentId && message.data) this.#receive(message.documentId, message.data);
			});
			this.#socket.once('open', () => this.#send({ type: 'join', senderId: this.peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ['1'] }));
		});
	}

	/** Starts a new document with a first change; its id is the caller's (an automerge-repo DocumentId). */
	create(documentId: string): WritableDocument {
		const doc = backend.create({}) as WritableDocument;
		doc.put('_root', 'created', Date.now());
		doc.commit();
		this.#documents.set(documentId, { doc, state: backend.initSyncState() });
		this.#sync(documentId, 'sync');
		return doc;
	}

	/** Opens a document the relay has; `onChange` runs after each sync message that changed it. */
	open(documentId: string, onChange?: (doc: WritableDocument) => void): void {
		this.#documents.set(documentId, { doc: backend.create({}) as WritableDocument, state: backend.initSyncState(), onChange });
		this.#sync(documentId, 'request');
	}

	/** Sets a number at the document's root and sends the change at once. */
	write(documentId: string, key: string, value: number): void {
		const open = this.#documents.get(documentId)!;
		open.doc.put('_root', key, value);
		open.doc.commit();
		this.#sync(documentId, 'sync');
	}

	close(): void {
		this.#socket.terminate();
		for (const { doc, state } of this.#documents.values()) (doc.free(), state.free());
		this.#documents.clear();
	}

	#receive(documentId: string, data: Uint8Array): void {
		const open = this.#documents.get(documentId);
		if (!open) return;
		const before = open.doc.getHeads().join();
		open.doc.receiveSyncMessage(open.state, data);
		if (open.doc.getHeads().join() !== before) {
			forgetPatches(open.doc); // as the relay does: the bench process would keep every change's patch events
			open.onChange?.(open.doc);
		}
		this.#sync(documentId, 'sync');
	}

	#sync(documentId: string, type: 'sync' | 'request'): void {
		const open = this.#documents.get(documentId)!;
		const data = open.doc.generateSyncMessage(open.state);
		if (data) this.#send({ type, senderId: this.peerId, targetId: this.#relayId, documentId, data });
	}

	#send(message: object): void {
		if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(encoder.encode(message));
	}
}
