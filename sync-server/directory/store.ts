// The relay's durable directory and ACL (organisations, people, service cases, conversation registry).
//
// Store decision: an append-only JSON-lines journal, DATA_DIR/directory.jsonl, one event per line, written with
// writeSync + fsyncSync before the API answers, so kill -9 at any moment loses nothing acknowledged. It is replayed
// into in-memory maps at start (thousands of people and conversations replay in milliseconds, and every access
// check is a map lookup); a torn last line is dropped; the journal is compacted at start when it holds many more
// lines than live entities. No native build (better-sqlite3 needs a compiler at `npm ci`), no extra memory
// (PGlite holds hundreds of MB). Everything goes through `DirectoryStore`; with DATABASE_URL the same events go to
// PostgreSQL instead (postgres-store.ts), shared by several relay nodes. One writer per DATA_DIR, enforced by a lock file.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '../../src/lib/model/admin.ts';
import type { Organisation, ServiceCase } from '../../src/lib/model/directory.ts';
import { receiptsDocumentId } from '../../src/lib/model/derived-ids.ts';
import type { CaseId, ConversationId, OrgId, UserId } from '../../src/lib/model/ids.ts';
import { lockDataDir } from '../storage/data-lock.ts';
import { decodeDirectoryEvent, type AttachedDocument, type ConversationRecord, type DirectoryEvent, type Identity, type StoredPerson } from './events.ts';
import { DirectoryError, DirectoryState, identityKey } from './state.ts';
import { openJournal } from '../storage/journal.ts';
import type { PersonalDocumentId } from './personal-documents.ts';

/** What the directory answers from memory, whichever store keeps it durable. */
export interface DirectoryReads {
	organisation(id: OrgId): Organisation | undefined;
	organisations(): Organisation[];
	person(id: UserId): StoredPerson | undefined;
	personByUsername(username: string): StoredPerson | undefined;
	/** The person a single sign-on provider's subject was linked to at their first sign-in. */
	personByIdentity(identity: Identity): StoredPerson | undefined;
	people(): StoredPerson[];
	serviceCase(id: CaseId): ServiceCase | undefined;
	cases(): ServiceCase[];
	conversation(id: string): ConversationRecord | undefined;
	/** The conversation a document is, or is attached to. */
	conversationOf(documentId: string): ConversationRecord | undefined;
	documentsOf(id: ConversationId): AttachedDocument[];
	conversationsOf(userId: UserId): ConversationRecord[];
	conversationCount(): number;
	/** Every conversation (the admin page). */
	conversations(): ConversationRecord[];
	/** Administrators' actions, oldest first. */
	auditLog(): readonly AuditEntry[];
	/**
	 * An enabled member of the document's conversation (for an attached document or the receipts document, of the
	 * conversation it belongs to), or the person whose own document it is.
	 */
	mayRead(userId: UserId, documentId: string): boolean;
	/** The id of this person's own document; undefined when the store was opened without the relay's key. */
	personalDocumentId(userId: UserId): string | undefined;
	/** True until anything was ever written (the demo directory is loaded then). */
	isEmpty(): boolean;
	/** The fewest events that rebuild this directory (`migrate` writes them into another store). */
	snapshot(): Iterable<DirectoryEvent>;
}

export interface DirectoryStore extends DirectoryReads {
	/**
	 * Applies a change durably: resolves once it is on disk (fsync) or committed (PostgreSQL), and the reads above
	 * show it. Rejects with DirectoryError when the change breaks an invariant (nothing is written), with
	 * StoreUnavailable when the database cannot be reached (nothing is acknowledged).
	 */
	commit(event: DirectoryEvent): Promise<void>;
	/** Applies `events()` as one change if nothing was ever written, once across every relay node; true if this call did. */
	seedIfEmpty(events: () => Promise<DirectoryEvent[]>): Promise<boolean>;
	/** Applies what other relay nodes committed since this one last looked (a single node has nothing to catch up). */
	catchUp(): Promise<void>;
	/** Calls `listener` after each event the state shows from now on, committed here or by another relay node. */
	watch(listener: DirectoryListener): () => void;
	close(): Promise<void>;
}

/** An event the directory now shows; `here`: committed by this relay node (else by another, and caught up). Must not throw. */
export type DirectoryListener = (event: DirectoryEvent, here: boolean) => void;

/** Listeners of a store, and the call that tells them all. */
export function directoryListeners() {
	const listeners = new Set<DirectoryListener>();
	return {
		watch(listener: DirectoryListener) {
			listeners.add(listener);
			return () => void listeners.delete(listener);
		},
		tell(event: DirectoryEvent, here: boolean) {
			for (const listener of listeners) listener(event, here);
		}
	};
}

/** A conversation's own document, its receipts document and every document attached to it: what its members read. */
export function documentsOfConversation(reads: Pick<DirectoryReads, 'documentsOf'>, id: ConversationId): string[] {
	return [id, receiptsDocumentId(id), ...reads.documentsOf(id).map((d) => d.documentId)];
}

export interface OpenStoreOptions {
	/** Who holds the lock, for the message a second writer sees. */
	holder?: string;
	warn?: (message: string) => void;
	/** Where each person's own document is (personal-documents.ts); without it, nobody has one. */
	personalDocumentId?: PersonalDocumentId;
}

/** Compact when the journal holds more than this many lines per live entity (plus some slack). */
const COMPACT_RATIO = 2;
const COMPACT_SLACK = 100;

export function openJournalStore(dataDir: string, options: OpenStoreOptions = {}): DirectoryStore {
	const warn = options.warn ?? ((m: string) => console.warn(m));
	mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	const lock = lockDataDir(dataDir, options.holder);
	try {
		const path = join(dataDir, 'directory.jsonl');
		const state = new DirectoryState();
		const { journal, count } = openJournal(path, decodeDirectoryEvent, warn, (event) => state.apply(event));
		if (count > COMPACT_RATIO * state.liveEntityCount() + COMPACT_SLACK) journal.rewrite(state.snapshot());
		return journalStore(state, journal, lock.release, options.personalDocumentId);
	} catch (err) {
		lock.release();
		throw err;
	}
}

function journalStore(
	state: DirectoryState,
	journal: { append(e: DirectoryEvent): void; close(): void },
	release: () => void,
	personalDocumentId?: PersonalDocumentId
): DirectoryStore {
	let closed = false;
	const listeners = directoryListeners();
	// Synchronous inside (writeSync + fsyncSync): the state shows the change as soon as the call returns.
	const commitNow = (event: DirectoryEvent) => {
		if (closed) throw new Error('The directory store is closed.');
		const problem = state.problem(event);
		if (problem) throw new DirectoryError(problem);
		journal.append(event);
		state.apply(event);
		listeners.tell(event, true);
	};
	return {
		...directoryReads(state, personalDocumentId),
		commit: (event) => settled(() => commitNow(event)),
		async seedIfEmpty(events) {
			if (state.orgs.size > 0) return false;
			for (const event of await events()) commitNow(event);
			return true;
		},
		catchUp: () => Promise.resolve(),
		watch: listeners.watch,
		async close() {
			if (closed) return;
			closed = true;
			journal.close();
			release();
		}
	};
}

/** The reads every store answers from its DirectoryState. */
export function directoryReads(state: DirectoryState, personalDocumentId?: PersonalDocumentId): DirectoryReads {
	const byUsername = (username: string) => {
		const id = state.usernames.get(username);
		return id === undefined ? undefined : state.people.get(id);
	};
	return {
		organisation: (id) => state.orgs.get(id),
		organisations: () => [...state.orgs.values()],
		person: (id) => state.people.get(id),
		personByUsername: byUsername,
		personByIdentity(identity) {
			const id = state.identities.get(identityKey(identity));
			return id === undefined ? undefined : state.people.get(id);
		},
		people: () => [...state.people.values()],
		serviceCase: (id) => state.cases.get(id),
		cases: () => [...state.cases.values()],
		conversation: (id) => state.conversations.get(id as ConversationId),
		conversationOf: (documentId) => state.conversationOf(documentId),
		documentsOf: (id) => state.documentsOf.get(id) ?? [],
		conversationsOf: (userId) => [...(state.memberships.get(userId) ?? [])].map((id) => state.conversations.get(id)!),
		conversationCount: () => state.conversations.size,
		conversations: () => [...state.conversations.values()],
		auditLog: () => state.audit,
		mayRead(userId, documentId) {
			const person = state.people.get(userId);
			if (!person || person.disabled) return false;
			if (personalDocumentId?.(userId) === documentId) return true;
			return state.conversationOf(documentId)?.members.includes(userId) ?? false;
		},
		personalDocumentId: (userId) => personalDocumentId?.(userId),
		isEmpty: () => state.orgs.size === 0,
		snapshot: () => state.snapshot()
	};
}

/** What `run` returned, or threw, as a settled promise. */
function settled(run: () => void): Promise<void> {
	try {
		run();
		return Promise.resolve();
	} catch (error) {
		return Promise.reject(error);
	}
}
