// Files between members' devices, for one signed-in device: the PeerJS link (opened once this device holds a file
// of an open conversation, or wants one), per conversation who is online with which files (ephemeral `have`
// messages), a SourceFinder that turns those devices into ChunkSources for the fetcher, and "on n online devices"
// for Details.
import type { DocHandle } from '@automerge/automerge-repo/slim';
import { randomHex } from '$lib/hex';
import { memberIds } from '$lib/model/conversation';
import type { ChunkManifest, Sha256Hex } from '$lib/model/file-manifest';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import type { UserId } from '$lib/model/ids';
import type { BlobStore } from './blob-store';
import type { ChunkSource, SourceFinder } from './chunk-source';
import { PeerLink } from './peer-link';
import { applyHave, completeCopies, have, HEARTBEAT_MS, holdersOf, parseFilesSignal, pruneHolders, whoHas, type Holders } from './peer-presence';
import { peerChunkSource } from './peer-source';

export interface PeerFilesOptions {
	me: { id: UserId; token: string };
	/** The conversations this device has open (ConversationStore). */
	conversations: { handle(id: string): DocHandle<ConversationDoc> | undefined; docs: ReadonlyMap<string, ConversationDoc> };
	/** This device's blob store (opened once, on first use). */
	store(): Promise<BlobStore>;
	iceServers(): Promise<RTCIceServer[]>;
	/** How many online devices of others hold each whole file now (FileAvailability.setPeers). */
	onPeers?(file: Sha256Hex, devices: number): void;
	server?: { host: string; port: number; secure: boolean };
}

/** How long a finder with nobody known waits for answers to `who-has`. */
const ASK_WAIT_MS = 1500;

/** One conversation's online holders, kept from its ephemeral messages; announces what this device holds. */
class ConversationPeers {
	holders = $state.raw<Holders>(new Map());
	readonly #handle: DocHandle<ConversationDoc>;
	readonly #owner: PeerFiles;
	readonly #timer: ReturnType<typeof setInterval>;
	#lastSaid = '';
	readonly #heard = new Set<() => void>();

	constructor(handle: DocHandle<ConversationDoc>, owner: PeerFiles) {
		this.#handle = handle;
		this.#owner = owner;
		handle.on('ephemeral-message', ({ message, senderId }) => {
			const signal = parseFilesSignal(message);
			if (!signal) return;
			if (signal.kind === 'who-has') return void this.announce(true);
			this.holders = applyHave(pruneHolders(this.holders, Date.now()), signal, senderId, Date.now());
			this.#report();
			for (const wake of this.#heard) wake();
		});
		handle.on('change', () => void this.announce(false));
		this.#timer = setInterval(() => {
			const pruned = pruneHolders(this.holders, Date.now());
			if (pruned !== this.holders) {
				this.holders = pruned;
				this.#report();
			}
			void this.announce(true);
		}, HEARTBEAT_MS);
		handle.broadcast(whoHas());
		void this.announce(true);
	}

	/** Says which of the conversation's files this device holds; `always`: even when that did not change. */
	async announce(always: boolean): Promise<void> {
		const files = Object.keys(this.#handle.doc()?.files ?? {});
		const held = await this.#owner.held(files);
		if (held.files.length + held.partial.length === 0) return;
		const said = JSON.stringify(held);
		if (!always && said === this.#lastSaid) return;
		// Others can only reach this device once its PeerJS peer is registered.
		await this.#owner.link.open();
		this.#lastSaid = said;
		this.#handle.broadcast(have(this.#owner.link.peerId, held.files, held.partial));
	}

	#report(): void {
		for (const file of Object.keys(this.#handle.doc()?.files ?? {})) this.#owner.report(file, completeCopies(this.holders, file, this.#owner.link.peerId));
	}

	/** Asks who holds files and waits a moment for the first answer. */
	async ask(): Promise<void> {
		this.#handle.broadcast(whoHas());
		await new Promise<void>((resolve) => {
			const done = () => (clearTimeout(timer), this.#heard.delete(done), resolve());
			const timer = setTimeout(done, ASK_WAIT_MS);
			this.#heard.add(done);
		});
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}

export class PeerFiles {
	readonly link: PeerLink;
	readonly #o: PeerFilesOptions;
	readonly #conversations = new Map<string, ConversationPeers>();
	/** Files known to be whole on this device (they stay whole until deleted). */
	readonly #whole = new Set<Sha256Hex>();
	#store: Promise<BlobStore> | null = null;
	/** When a connection to a device last failed or dropped. */
	readonly #failed = new Map<string, number>();

	constructor(options: PeerFilesOptions) {
		this.#o = options;
		this.link = new PeerLink({
			peerId: `${options.me.id}-${randomHex(8)}`,
			token: options.me.token,
			iceServers: options.iceServers,
			store: () => this.#blobs(),
			server: options.server,
			conversation: (id) => {
				const doc = options.conversations.docs.get(id);
				return doc ? { members: new Set<string>(memberIds(doc)), files: new Set(Object.keys(doc.files)) } : null;
			}
		});
	}

	/** Starts listening to (and announcing in) a conversation; idempotent. */
	watch(conversationId: string): ConversationPeers | undefined {
		let peers = this.#conversations.get(conversationId);
		if (peers) return peers;
		const handle = this.#o.conversations.handle(conversationId);
		if (!handle) return undefined;
		this.#conversations.set(conversationId, (peers = new ConversationPeers(handle, this)));
		return peers;
	}

	#blobs(): Promise<BlobStore> {
		this.#store ??= this.#o.store().catch((err: unknown) => {
			this.#store = null;
			throw err;
		});
		return this.#store;
	}

	/** For ConversationPeers: how many others' online devices hold the whole file. */
	report(file: Sha256Hex, devices: number): void {
		this.#o.onPeers?.(file, devices);
	}

	/** What this device now holds changed (an upload or a fetch finished): tell the conversation's members. */
	changed(conversationId: string): void {
		void this.watch(conversationId)?.announce(false);
	}

	/** Of these files, the ones whole on this device and the ones partly here. */
	async held(files: Sha256Hex[]): Promise<{ files: Sha256Hex[]; partial: Sha256Hex[] }> {
		const store = await this.#blobs();
		const whole: Sha256Hex[] = [];
		const partial: Sha256Hex[] = [];
		// A conversation of hundreds of photos, few of them here: one read says which to look at.
		const here = new Set(await store.files().catch(() => files));
		for (const file of files) {
			if (this.#whole.has(file)) whole.push(file);
			else if (!here.has(file)) continue;
			else if (await store.has(file).catch(() => false)) {
				this.#whole.add(file);
				whole.push(file);
			} else if ((await store.presentChunks(file).catch(() => [])).length > 0) partial.push(file);
		}
		return { files: whole, partial };
	}

	/** Online devices (other than this one) with the whole file: Details' "on n online devices". */
	onlineCopies(conversationId: string, file: Sha256Hex): number {
		const peers = this.watch(conversationId);
		return peers ? completeCopies(peers.holders, file, this.link.peerId) : 0;
	}

	/** For the fetcher: a ChunkSource per online device that holds some of the file. */
	readonly find: SourceFinder = async (conversationId: string, manifest: ChunkManifest): Promise<ChunkSource[]> => {
		const peers = this.watch(conversationId);
		if (!peers) return [];
		if (holdersOf(peers.holders, manifest.sha256, this.link.peerId).length === 0) await peers.ask();
		// A device that failed us is asked again only once it has said `have` since (it came back).
		const holders = holdersOf(pruneHolders(peers.holders, Date.now()), manifest.sha256, this.link.peerId).filter(
			(h) => (this.#failed.get(h.peer) ?? -1) < h.lastSeen
		);
		const sources = await Promise.all(
			holders.map(async (holder) => {
				try {
					const requester = await this.link.requester(holder.peer, conversationId);
					requester.onClose(() => this.#failed.set(holder.peer, Date.now()));
					// The fetcher tells sources apart by label: one person may have two devices online.
					const name = this.#o.conversations.docs.get(conversationId)?.members[holder.user]?.name ?? holder.user;
					return peerChunkSource(requester, manifest, `${name} (${holder.peer.slice(-4)})`);
				} catch {
					this.#failed.set(holder.peer, Date.now());
					return null; // unreachable now: the relay or another device will do
				}
			})
		);
		return sources.filter((s): s is ChunkSource => s !== null);
	};

	close(): void {
		for (const peers of this.#conversations.values()) peers.stop();
		this.#conversations.clear();
		this.link.close();
	}
}
