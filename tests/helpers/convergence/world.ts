// The real parts a convergence run drives: the relay as a child process (kill -9, restart on its DATA_DIR), and
// signed-in clients — automerge-repo Repos with NodeFS storage, as the app builds them — each behind its own fault
// proxy. One conversation (Service case chat SC-1042) and one whiteboard, every client a member of both. Given
// several relay nodes (on one PostgreSQL and Redis), client i syncs through node i mod n, and a kill takes one node
// down at a time, in turn, while the others keep serving.
import '@automerge/automerge';
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { newConversation, postMessage } from '../../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../../src/lib/model/conversation-schema.ts';
import { asCaseId, asMessageId, asUserId, type UserId } from '../../../src/lib/model/ids.ts';
import type { BackoffOptions } from '../../../src/lib/sync/backoff.ts';
import { createClientRepo, type ClientRepo } from '../../../src/lib/sync/client-repo.ts';
import { newWhiteboard } from '../../../src/lib/whiteboard/board.ts';
import type { WhiteboardDoc } from '../../../src/lib/whiteboard/schema.ts';
import { startFaultProxy, type FaultProfile, type FaultProxy } from '../fault-proxy.ts';
import { api, login, spawnRelay, type ChildRelay } from '../relay.ts';

/** Four people of SC-1042 (GFMS and Acme Precision), Anna on two tablets. */
export const PEOPLE = [
	{ id: 'petr', name: 'Petr Novák' },
	{ id: 'eva', name: 'Eva Dvořáková' },
	{ id: 'anna', name: 'Anna Horáková' },
	{ id: 'tomas', name: 'Tomáš Marek' },
	{ id: 'anna', name: 'Anna Horáková' }
] as const;

const FAST_BACKOFF = { initialMs: 50, maxMs: 400 };

export interface WorldClient {
	user: UserId;
	token: string;
	storageDir: string;
	proxy: FaultProxy;
	repo: ClientRepo;
	conversation: DocHandle<ConversationDoc>;
	board: DocHandle<WhiteboardDoc>;
	online: boolean;
}

/** Relay nodes sharing one database and bus: how many, and the environment that points them at both. */
export interface WorldNodes {
	count: number;
	env: Record<string, string>;
}

export class World {
	readonly relays: (ChildRelay | undefined)[];
	readonly ports: number[];
	readonly dataDirs: string[];
	/** The node restarted last (a kill takes down the next one). */
	#restarted = 0;
	#kills = 0;
	readonly clients: WorldClient[] = [];
	conversationUrl!: AutomergeUrl;
	boardUrl!: AutomergeUrl;
	#seedCounter = 0;

	constructor(
		private readonly seed: number,
		private readonly profile: FaultProfile = {},
		/** The test's quick retries by default; the soak's real-network phases pass the app's DEFAULT_BACKOFF. */
		private readonly backoff: BackoffOptions = FAST_BACKOFF,
		private readonly nodes: WorldNodes = { count: 1, env: {} }
	) {
		this.relays = Array.from({ length: nodes.count }, () => undefined);
		this.ports = this.relays.map(() => 0);
		this.dataDirs = this.relays.map(() => mkdtempSync(join(tmpdir(), 'caseroom-converge-relay-')));
	}

	/** The first node's port (a single relay's). */
	get relayPort(): number {
		return this.ports[0]!;
	}

	/** Every node is up. */
	get relayUp(): boolean {
		return this.relays.every(Boolean);
	}

	/** A node that is up: the one restarted last if it is. */
	get relay(): ChildRelay {
		const relay = this.relays[this.#restarted] ?? this.relays.find(Boolean);
		if (!relay) throw new Error('no relay node is up');
		return relay;
	}

	get wsSync(): string {
		return `ws://127.0.0.1:${new URL(this.relay.url).port}/sync`;
	}

	/** Starts the relay, registers the conversation and the board, and brings every client online with both. */
	async start(count: number = PEOPLE.length): Promise<void> {
		await this.startRelay();
		const tokens = new Map<string, string>();
		for (const person of PEOPLE) if (!tokens.has(person.id)) tokens.set(person.id, (await login(this.relay.url, person.id)).token);
		for (let i = 0; i < count; i++) {
			const person = PEOPLE[i % PEOPLE.length]!;
			const proxy = await startFaultProxy(this.ports[i % this.ports.length]!, { seed: this.seed * 31 + i, profile: this.profile });
			const storageDir = mkdtempSync(join(tmpdir(), `caseroom-converge-${person.id}-`));
			const repo = this.#repo(asUserId(person.id), tokens.get(person.id)!, storageDir, proxy);
			this.clients.push({ user: asUserId(person.id), token: tokens.get(person.id)!, storageDir, proxy, repo, online: true } as WorldClient);
		}
		await this.#register(this.clients[0]!);
		for (const c of this.clients.slice(1)) await this.#open(c);
		for (const c of this.clients) await c.repo.repo.flush();
	}

	/** Starts every node that is down, each on its own DATA_DIR and, after the first start, its own port. */
	async startRelay(): Promise<void> {
		for (const [n, running] of this.relays.entries()) {
			if (running) continue;
			const relay = await spawnRelay(this.dataDirs[n]!, { ...this.nodes.env, ...(this.ports[n] ? { PORT: String(this.ports[n]) } : {}) });
			this.relays[n] = relay;
			this.ports[n] = Number(new URL(relay.url).port);
			this.#restarted = n;
		}
	}

	/** kill -9 of the relay; of one node in turn when there are several. */
	async killRelay(): Promise<void> {
		const n = this.#kills++ % this.relays.length;
		await this.relays[n]?.kill('SIGKILL');
		this.relays[n] = undefined;
	}

	/** Posts through the model function the app uses; returns the message id and the heads right after it. */
	post(c: WorldClient, text: string, at = Date.now()) {
		const id = asMessageId(`m-${this.seed}-${++this.#seedCounter}-${c.user}`);
		c.conversation.change((doc) => postMessage(doc, { id, author: c.user, at, text }));
		return { id: id as string, heads: c.conversation.heads() };
	}

	disconnect(c: WorldClient): void {
		c.online = false;
		c.proxy.cut();
	}

	reconnect(c: WorldClient): void {
		c.online = true;
		c.proxy.heal();
	}

	/** The tablet reloads: the Repo goes (saving what it has), a new one starts on the same storage. */
	async reload(c: WorldClient): Promise<void> {
		await c.repo.shutdown();
		c.repo = this.#repo(c.user, c.token, c.storageDir, c.proxy);
		await this.#open(c);
	}

	/** Reads the conversation as a new device of `user` straight from the relay (no storage, no proxy). */
	async relayView(user = 'petr'): Promise<ConversationDoc> {
		const observer = createClientRepo({ url: this.wsSync, token: (await login(this.relay.url, user)).token, userId: user, webSocket: WebSocket, backoff: FAST_BACKOFF });
		try {
			const handle = await observer.repo.find<ConversationDoc>(this.conversationUrl);
			// A sync message about the board reaches this device too, unasked; unless the board is asked for as well,
			// automerge-repo then waits 60 s for it to become ready and throws where nobody can catch it.
			await observer.repo.find(this.boardUrl);
			return structuredClone(handle.doc()) as ConversationDoc;
		} finally {
			await observer.shutdown();
		}
	}

	/** The ids of the messages this client holds. */
	messageIds(c: WorldClient): Set<string> {
		return new Set<string>(c.conversation.isReady() ? c.conversation.doc().messages.map((m) => m.id) : []);
	}

	async close(): Promise<void> {
		for (const c of this.clients) {
			await c.repo.shutdown().catch(() => {});
			await c.proxy.close();
		}
		// automerge-repo saves sync states on a 100 ms throttle that outlives shutdown(): let those land first.
		await new Promise((r) => setTimeout(r, 500));
		for (const c of this.clients) rmSync(c.storageDir, { recursive: true, force: true });
		for (const relay of this.relays) await relay?.kill('SIGKILL');
		for (const dir of this.dataDirs) rmSync(dir, { recursive: true, force: true });
	}

	#repo(user: UserId, token: string, storageDir: string, proxy: FaultProxy): ClientRepo {
		return createClientRepo({
			url: `ws://127.0.0.1:${proxy.port}/sync`,
			token,
			userId: user,
			storage: new NodeFSStorageAdapter(storageDir),
			webSocket: WebSocket,
			backoff: this.backoff
		});
	}

	async #open(c: WorldClient): Promise<void> {
		c.conversation = await c.repo.repo.find<ConversationDoc>(this.conversationUrl);
		c.board = await c.repo.repo.find<WhiteboardDoc>(this.boardUrl);
	}

	/** As the app does it: Petr writes the conversation and the board, then registers both with the relay. */
	async #register(petr: WorldClient): Promise<void> {
		const people = PEOPLE.filter((p, i) => p.id !== 'petr' && PEOPLE.findIndex((q) => q.id === p.id) === i);
		petr.conversation = petr.repo.repo.create<ConversationDoc>(
			newConversation({
				kind: 'case',
				title: 'Wire breaks during roughing',
				case: { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing' },
				creator: { id: asUserId('petr'), name: 'Petr Novák' },
				members: people.map((p) => ({ id: asUserId(p.id), name: p.name })),
				at: Date.now(),
				messageId: asMessageId(`m-${this.seed}-created`)
			})
		);
		this.conversationUrl = petr.conversation.url;
		const registered = await api(this.relay.url, '/api/conversations', {
			token: petr.token,
			body: { documentId: petr.conversation.documentId, kind: 'case', caseId: 'SC-1042', members: people.map((p) => p.id) }
		});
		if (registered.status !== 201) throw new Error(`registering the conversation: ${registered.status} ${JSON.stringify(registered.body)}`);
		petr.board = petr.repo.repo.create<WhiteboardDoc>(
			newWhiteboard({ conversationId: petr.conversation.documentId, title: 'Wire guide', createdBy: asUserId('petr'), createdAt: Date.now() })
		);
		this.boardUrl = petr.board.url;
		const attached = await api(this.relay.url, `/api/conversations/${petr.conversation.documentId}/documents`, {
			token: petr.token,
			body: { documentId: petr.board.documentId, kind: 'whiteboard' }
		});
		if (attached.status !== 201) throw new Error(`attaching the board: ${attached.status} ${JSON.stringify(attached.body)}`);
		for (const handle of [petr.conversation, petr.board])
			if (!(await petr.repo.delivery.whenDelivered(handle, 10_000))) throw new Error('the relay did not acknowledge the new documents');
	}
}
