// The signed-in person's conversations as reactive state: what the relay registered (cached for offline shifts),
// each conversation's document from the local Repo, unread counts, and the operations the frames call.
import type { DocHandle, DocumentId } from '@automerge/automerge-repo/slim';
import { addMembers, attachFile, isConversationDoc, newConversation, postMessage, removeMembers, type Actor } from '$lib/model/conversation';
import { deleteMessage, editMessage } from '$lib/model/message-edits';
import type { MessageId, UserId } from '$lib/model/ids';
import type { CaseRef, ConversationDoc, FileMeta } from '$lib/model/conversation-schema';
import type { DirectoryView, Person, PublicUser, RegisteredConversation, ServiceCase } from '$lib/model/directory';
import type { ConversationKind } from '$lib/model/policy';
import type { ClientRepo } from '$lib/sync/client-repo';
import { conversationEntry, type ConversationEntry } from './conversation-list';
import { loadGone, saveGone, updateGone, type Gone } from './gone-conversations';
import { newMessageId } from './ids';
import { loadCache, saveCache } from './local-cache';
import { PersonalSettings } from './personal-settings.svelte';
import { ReadMarks } from './read-marks.svelte';
import { RelayApiError, type Attachment, type RelayApi, type Registration } from './relay-api';
import { watchUndelivered } from './watch-undelivered';

export interface NewConversationInput {
	kind: ConversationKind;
	serviceCase: ServiceCase | null;
	people: Person[];
	title: string;
}

export type Availability = 'loading' | 'ready' | 'unavailable';

export class ConversationStore {
	directory = $state.raw<DirectoryView | null>(null);
	registered = $state.raw<RegisteredConversation[]>([]);
	pending = $state.raw<Registration[]>([]);
	pendingDocuments = $state.raw<Attachment[]>([]);
	docs = $state.raw<ReadonlyMap<string, ConversationDoc>>(new Map());
	availability = $state.raw<Readonly<Record<string, Availability>>>({});
	/** How far everyone has read each conversation (this person's mark: the unread counts). */
	readonly marks: ReadMarks;
	/** This person's own settings (muted conversations), on all their devices. */
	readonly personal: PersonalSettings;
	/** Why the relay refused to register a conversation created on this device, by document id. */
	refused = $state.raw<Readonly<Record<string, string>>>({});
	/** Conversations this person was removed from or left: out of the list, and said so when opened. */
	gone = $state.raw<Gone>({});
	/** Something this device could not keep (a full localStorage); shown until the next success. */
	storageProblem = $state(false);

	readonly entries: ConversationEntry[] = $derived.by(() => this.#entries());

	readonly #client: ClientRepo;
	readonly #api: RelayApi;
	readonly #onMe: (user: PublicUser) => void;
	me: PublicUser;
	readonly #handles = new Map<string, DocHandle<ConversationDoc>>();
	#entryCache = new WeakMap<ConversationDoc, { readCount: number; entry: ConversationEntry }>();
	#refreshing: Promise<void> | null = null;
	#refreshAgain = false;
	#askedMe = false;

	/** `onMe`: the relay's newer account of this person (a session saved before `personalDocumentId` existed). */
	constructor(client: ClientRepo, me: PublicUser, api: RelayApi, onMe: (user: PublicUser) => void = () => {}) {
		this.#client = client;
		this.#api = api;
		this.#onMe = onMe;
		this.me = me;
		this.marks = new ReadMarks(client.repo, me.id);
		this.personal = new PersonalSettings(client.repo);
		if (me.personalDocumentId) this.personal.open(me.personalDocumentId);
		const cache = loadCache(me.id);
		this.directory = cache.directory;
		this.registered = cache.conversations;
		this.pending = cache.pending;
		this.pendingDocuments = cache.pendingDocuments;
		this.gone = loadGone(me.id);
	}

	/**
	 * Opens every known conversation from storage and keeps the list fresh while online: asks the relay on every
	 * (re)connection and when the relay says, on this person's own document, that their conversations changed — no
	 * polling. Returns the stop function.
	 */
	start(): () => void {
		for (const id of this.#knownIds()) void this.open(id);
		let wasOnline = false;
		const stopConnection = this.#client.connection.subscribe((s) => {
			const online = s.status === 'online';
			if (online && !wasOnline) void this.refresh();
			wasOnline = online;
		});
		const stopNotices = this.personal.onNotice(() => void this.refresh());
		const onFocus = () => wasOnline && void this.refresh();
		window.addEventListener('focus', onFocus);
		return () => {
			stopConnection();
			stopNotices();
			window.removeEventListener('focus', onFocus);
		};
	}

	/** The person as the policy sees them. */
	get actor(): Person {
		return { id: this.me.id, username: this.me.username, name: this.me.name, org: this.me.orgId, role: this.me.role, disabled: false };
	}

	handle(id: string): DocHandle<ConversationDoc> | undefined {
		return this.#handles.get(id);
	}

	/** Loads a conversation from this device, or from the relay if this person is a member; null if unavailable. */
	async open(id: string): Promise<DocHandle<ConversationDoc> | null> {
		const known = this.#handles.get(id);
		if (known) return known;
		if (this.availability[id] === 'loading' || this.availability[id] === 'unavailable') return null;
		this.#setAvailability(id, 'loading');
		try {
			const handle = await this.#client.repo.find<ConversationDoc>(id as DocumentId);
			if (!isConversationDoc(handle.doc())) throw new Error('not a conversation');
			this.#track(handle);
			return handle;
		} catch {
			this.#setAvailability(id, 'unavailable');
			// The relay answers "unavailable" until this person is a member; it sends the document once they are.
			const handle = this.#client.repo.handles[id as DocumentId] as DocHandle<ConversationDoc> | undefined;
			void handle
				?.whenReady()
				.then(() => isConversationDoc(handle.doc()) && this.#track(handle))
				.catch(() => {});
			return null;
		}
	}

	/** Registers what was created offline, then reloads the directory and the list of conversations. */
	refresh(): Promise<void> {
		// Asked while a refresh runs (a notice about a change that answer may predate): one more after it.
		if (this.#refreshing) {
			this.#refreshAgain = true;
			return this.#refreshing;
		}
		this.#refreshing = (async () => {
			do {
				this.#refreshAgain = false;
				await this.#refresh();
			} while (this.#refreshAgain);
		})().finally(() => (this.#refreshing = null));
		return this.#refreshing;
	}

	async create(input: NewConversationInput): Promise<string> {
		const others: Actor[] = input.people.map((p) => ({ id: p.id, name: p.name }));
		const serviceCase: CaseRef | null = input.serviceCase
			? { id: input.serviceCase.id, number: input.serviceCase.number, title: input.serviceCase.title }
			: null;
		const handle = this.#client.repo.create<ConversationDoc>(
			newConversation({
				kind: input.kind,
				title: input.title,
				case: serviceCase,
				creator: { id: this.me.id, name: this.me.name },
				members: others,
				at: Date.now(),
				messageId: newMessageId()
			})
		);
		this.pending = [...this.pending, { documentId: handle.documentId, kind: input.kind, caseId: serviceCase?.id ?? null, members: others.map((p) => p.id) }];
		this.#saveCache();
		this.#track(handle);
		void this.refresh();
		return handle.documentId;
	}

	send(id: string, text: string, options: { replyTo?: MessageId; mentions?: UserId[] } = {}): void {
		this.#change(id, (doc) => postMessage(doc, { id: newMessageId(), author: this.me.id, at: Date.now(), text, ...options }));
	}

	/** Changes the text of one of this person's messages (the model refuses anyone else's). */
	edit(id: string, messageId: MessageId, text: string, mentions: UserId[]): void {
		this.#change(id, (doc) => void editMessage(doc, { id: messageId, by: this.me.id, at: Date.now(), text, mentions }));
	}

	/** Deletes one of this person's messages: its text leaves the current state (the history keeps it). */
	delete(id: string, messageId: MessageId): void {
		this.#change(id, (doc) => void deleteMessage(doc, { id: messageId, by: this.me.id, at: Date.now() }));
	}

	#change(id: string, change: (doc: ConversationDoc) => void) {
		const handle = this.#handles.get(id);
		if (!handle) throw new Error('This conversation is not open.');
		handle.change(change);
	}

	/** Says in the conversation that a file (its bytes already on the relay) is shared, and lists it in Details. */
	shareFile(id: string, meta: Omit<FileMeta, 'uploadedBy' | 'uploadedAt'>): void {
		const handle = this.#handles.get(id);
		if (!handle) throw new Error('This conversation is not open.');
		handle.change((doc) => attachFile(doc, { ...meta, uploadedBy: this.me.id, uploadedAt: Date.now() }, newMessageId()));
	}

	/** Resolves once the relay holds this conversation's latest change (true), or after `timeoutMs` (false). */
	async whenDelivered(id: string, timeoutMs: number): Promise<boolean> {
		const handle = this.#handles.get(id);
		return handle ? this.#client.delivery.whenDelivered(handle, timeoutMs) : false;
	}

	/** Adds people through the relay (it checks the policy), then says so in the conversation. Needs the network. */
	async addPeople(id: string, people: Person[]): Promise<void> {
		const handle = this.#handles.get(id);
		if (!handle || people.length === 0) return;
		const registered = await this.#api.addMembers(id, people.map((p) => p.id));
		this.#upsertRegistered(registered);
		handle.change((doc) =>
			addMembers(doc, people.map((p) => ({ id: p.id, name: p.name })), { id: newMessageId(), author: this.me.id, at: Date.now() })
		);
	}

	/** Removes people through the relay (it checks the policy), then says so in the conversation. Needs the network. */
	async removePeople(id: string, people: Actor[]): Promise<void> {
		const handle = this.#handles.get(id);
		if (!handle || people.length === 0) return;
		const result = await this.#api.removeMembers(id, people.map((p) => p.id));
		if ('left' in result) return this.#markGone(id, 'left');
		this.#upsertRegistered(result);
		handle.change((doc) => removeMembers(doc, people.map((p) => p.id), { id: newMessageId(), author: this.me.id, at: Date.now() }));
	}

	/**
	 * Leaves a conversation. "X left" is written, and has reached the relay, before the relay takes this person out:
	 * afterwards nothing they write reaches anyone.
	 */
	async leave(id: string): Promise<void> {
		const handle = this.#handles.get(id);
		if (!handle) return;
		const unreachable = () => new RelayApiError('unreachable', 'The Caseroom server cannot be reached.');
		if (this.#client.connection.current.status !== 'online') throw unreachable();
		handle.change((doc) => removeMembers(doc, [this.me.id], { id: newMessageId(), author: this.me.id, at: Date.now() }));
		if (!(await this.#client.delivery.whenDelivered(handle, 10_000))) throw unreachable();
		await this.#api.removeMembers(id, [this.me.id]);
		this.#markGone(id, 'left');
	}

	/** Lets the conversation's members read a new document (a whiteboard); registered now or when the relay is reachable. */
	attachDocument(attachment: Attachment): void {
		this.pendingDocuments = [...this.pendingDocuments, attachment];
		this.#saveCache();
		void this.refresh();
	}

	/** Everything in the conversation so far has been seen (by this person, on every device of theirs). */
	markRead(id: string): void {
		const doc = this.docs.get(id);
		if (doc) this.marks.markRead(id, doc);
	}

	registration(id: string): RegisteredConversation | undefined {
		return this.registered.find((c) => c.id === id);
	}

	isPending(id: string): boolean {
		return this.pending.some((p) => p.documentId === id);
	}

	async #refresh(): Promise<void> {
		try {
			await this.#registerPending();
			const [directory, registered] = await Promise.all([this.#api.directory(), this.#api.conversations()]);
			if (!this.personal.known && !this.#askedMe) await this.#learnPersonalDocument();
			this.directory = directory;
			this.#setGone(updateGone(this.gone, this.registered, registered));
			this.registered = registered;
			this.#saveCache();
			for (const id of this.#knownIds()) if (this.availability[id] !== 'ready') void this.open(id);
		} catch (err) {
			if (!(err instanceof RelayApiError)) throw err;
			// Unreachable or signed out: the connection indicator says so; the next refresh tries again.
		}
	}

	async #learnPersonalDocument(): Promise<void> {
		this.me = await this.#api.me();
		// A relay without the key gives none: asking again every refresh would not change that.
		this.#askedMe = true;
		if (this.me.personalDocumentId) this.personal.open(this.me.personalDocumentId);
		this.#onMe(this.me);
	}

	async #registerPending(): Promise<void> {
		for (const registration of this.pending) {
			await this.#register(registration.documentId, () => this.#api.register(registration));
			this.pending = this.pending.filter((p) => p !== registration);
			this.#saveCache();
		}
		// After the conversations: a document can only join a conversation the relay knows.
		for (const attachment of this.pendingDocuments) {
			await this.#register(attachment.documentId, () => this.#api.attachDocument(attachment));
			this.pendingDocuments = this.pendingDocuments.filter((p) => p !== attachment);
			this.#saveCache();
		}
	}

	/** Registers one thing; a refusal is kept to show the person, an unreachable relay stops the round (rethrown). */
	async #register(documentId: string, call: () => Promise<RegisteredConversation>): Promise<void> {
		try {
			this.#upsertRegistered(await call());
		} catch (err) {
			if (!(err instanceof RelayApiError) || err.problem !== 'refused') throw err;
			this.refused = { ...this.refused, [documentId]: err.message };
		}
	}

	#upsertRegistered(conversation: RegisteredConversation) {
		this.registered = [...this.registered.filter((c) => c.id !== conversation.id), conversation];
	}

	#markGone(id: string, reason: 'removed' | 'left') {
		this.#setGone({ ...this.gone, [id]: reason });
		this.registered = this.registered.filter((c) => c.id !== id);
		this.#saveCache();
	}

	#setGone(gone: Gone) {
		this.gone = gone;
		if (!saveGone(this.me.id, gone)) this.storageProblem = true;
	}

	#knownIds(): string[] {
		return [...new Set([...this.registered.map((c) => c.id), ...this.pending.map((p) => p.documentId)])].filter((id) => !(id in this.gone));
	}

	#track(handle: DocHandle<ConversationDoc>) {
		const id = handle.documentId;
		if (this.#handles.has(id)) return;
		this.#handles.set(id, handle);
		const update = () => {
			const doc = handle.doc();
			if (isConversationDoc(doc)) this.docs = new Map(this.docs).set(id, doc);
		};
		handle.on('change', update);
		update();
		this.marks.open(id);
		this.#setAvailability(id, 'ready');
		// How many of my messages only this device holds: what a database the browser clears would take with it.
		const ledger = this.#client.device?.ledger;
		if (ledger) watchUndelivered(handle, this.#client.delivery, this.me.id, (ids) => ledger.setUnsent(id, ids.size));
	}

	#setAvailability(id: string, availability: Availability) {
		this.availability = { ...this.availability, [id]: availability };
	}

	#entries(): ConversationEntry[] {
		const entries: ConversationEntry[] = [];
		for (const [id, doc] of this.docs) {
			if (id in this.gone) continue;
			const readCount = this.marks.seenCount(id);
			let cached = this.#entryCache.get(doc);
			if (!cached || cached.readCount !== readCount) {
				cached = { readCount, entry: conversationEntry(id, doc, this.me.id, readCount) };
				this.#entryCache.set(doc, cached);
			}
			entries.push(cached.entry);
		}
		return entries;
	}

	#saveCache() {
		this.storageProblem = !saveCache(this.me.id, {
			directory: this.directory,
			conversations: this.registered,
			pending: this.pending,
			pendingDocuments: this.pendingDocuments
		});
	}
}
