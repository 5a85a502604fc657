import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { next as A } from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, type DocumentId } from '@automerge/automerge-repo/slim';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentSync, type OutgoingSync, type SyncPeer } from './document-sync.ts';

type Doc = { lines: string[] };

/** A client: an Automerge document and its sync state with the relay, as automerge-repo keeps them. */
class Client implements SyncPeer {
	doc: A.Doc<Doc>;
	state = A.initSyncState();
	inbox: OutgoingSync[] = [];
	constructor(
		readonly peerId: string,
		doc: A.Doc<Doc>
	) {
		this.doc = doc;
	}
	/** The client's next message to the relay, or null. */
	say(): Uint8Array | null {
		const [state, message] = A.generateSyncMessage(this.doc, this.state);
		this.state = state;
		return message;
	}
	/** Takes every message the relay sent; returns how many carried data. */
	take(): number {
		const messages = this.inbox.splice(0);
		for (const m of messages) if (m.type !== 'doc-unavailable') [this.doc, this.state] = A.receiveSyncMessage(this.doc, this.state, m.data);
		return messages.length;
	}
}

const bytesOf = (m: OutgoingSync | undefined) => (m && m.type !== 'doc-unavailable' ? m.data : undefined);
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const newId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId as DocumentId;
const documents: DocumentSync<Client>[] = [];
afterEach(() => documents.splice(0).forEach((d) => d.dispose()));

/** A relay document over an in-memory log whose appends the test may hold back; `reload` is the store seen again. */
function relayDocument(stored?: A.Doc<Doc>, reload?: () => Promise<Uint8Array[] | undefined>) {
	const log: Uint8Array[] = [];
	const invalid: string[] = [];
	const unloadable: string[] = [];
	let gate: Promise<void> = Promise.resolve();
	const document = new DocumentSync<Client>(newId(), Promise.resolve(stored ? [A.save(stored)] : undefined), {
		deliver: (peer, message) => void peer.inbox.push(message),
		invalid: (peer, reason) => void invalid.push(`${peer.peerId}: ${reason}`),
		unloadable: (id) => void unloadable.push(id),
		persist: async (_id, changes) => {
			await gate;
			log.push(changes);
		},
		reload,
		log: () => {}
	});
	documents.push(document);
	return {
		document,
		log,
		invalid,
		/** Appends wait until the returned function is called. */
		holdDisk() {
			let open!: () => void;
			gate = new Promise((resolve) => (open = resolve));
			return () => open();
		}
	};
}

/** Runs the handshake of each client with the relay until nobody has anything to say. */
async function syncAll(document: DocumentSync<Client>, clients: Client[]) {
	for (let round = 0; round < 10; round++) {
		let said = 0;
		for (const c of clients) {
			const message = c.say();
			if (message) (said++, document.receive(c, 'sync', message));
		}
		await settle();
		const taken = clients.reduce((n, c) => n + c.take(), 0);
		if (said === 0 && taken === 0) return;
	}
	throw new Error('the handshake did not settle');
}

const base = A.from<Doc>({ lines: ['spindle at 8000 rpm'] });

describe('DocumentSync', () => {
	it('sends a change to every reader in the same state as the same bytes, computed once, after it is durable', async () => {
		const { document, log, holdDisk } = relayDocument(base);
		const writer = new Client('w', A.clone(base));
		const readers = Array.from({ length: 30 }, (_, i) => new Client(`r${i}`, A.clone(base)));
		await syncAll(document, [writer, ...readers]);

		writer.doc = A.change(writer.doc, (d) => void d.lines.push('vibration 4.2 mm/s'));
		const open = holdDisk();
		document.receive(writer, 'sync', writer.say()!);
		await settle();
		// Not on disk yet: nobody hears of it, the writer included.
		expect([writer, ...readers].every((c) => c.inbox.length === 0)).toBe(true);
		open();
		await settle();
		expect(log).toHaveLength(1);
		const sent = readers.map((r) => r.inbox[0]);
		expect(sent.every((m) => m?.type === 'sync')).toBe(true);
		// One byte array for all 30: encoded once.
		expect(new Set(sent.map(bytesOf)).size).toBe(1);
		expect(writer.inbox).toHaveLength(1);
		for (const r of readers) (r.take(), expect(r.doc.lines).toEqual(['spindle at 8000 rpm', 'vibration 4.2 mm/s']));

		// Their identical acknowledgements bring them back to one shared state: the next change is encoded once too.
		await syncAll(document, [writer, ...readers]);
		writer.doc = A.change(writer.doc, (d) => void d.lines.push('bearing replaced'));
		document.receive(writer, 'sync', writer.say()!);
		await settle();
		expect(new Set(readers.map((r) => bytesOf(r.inbox[0]))).size).toBe(1);
	});

	it('takes what arrives while the disk is busy as one next round, with one append', async () => {
		const { document, log, holdDisk } = relayDocument(base);
		const clients = Array.from({ length: 4 }, (_, i) => new Client(`c${i}`, A.clone(base)));
		await syncAll(document, clients);
		const appendsBefore = log.length;
		const open = holdDisk();
		const [first, ...others] = clients;
		first!.doc = A.change(first!.doc, (d) => void d.lines.push('first'));
		document.receive(first!, 'sync', first!.say()!);
		await settle();
		for (const c of others) {
			c.doc = A.change(c.doc, (d) => void d.lines.push(`from ${c.peerId}`));
			document.receive(c, 'sync', c.say()!);
		}
		await settle();
		open();
		await settle();
		await syncAll(document, clients);
		expect(log.length - appendsBefore).toBe(2);
		for (const c of clients) expect(new Set(c.doc.lines)).toEqual(new Set(['spindle at 8000 rpm', 'first', 'from c1', 'from c2', 'from c3']));
	});

	it('tells a peer asking for a document it does not have so, once, and sends it when someone brings it', async () => {
		const { document } = relayDocument();
		const waiting = new Client('waiting', A.init<Doc>());
		document.receive(waiting, 'request', waiting.say()!);
		await settle();
		expect(waiting.inbox).toEqual([{ type: 'doc-unavailable' }]);
		waiting.inbox = [];

		const owner = new Client('owner', A.clone(base));
		await syncAll(document, [owner]);
		await settle();
		expect(waiting.inbox.some((m) => m.type === 'sync')).toBe(true);
		await syncAll(document, [owner, waiting]);
		expect(waiting.doc.lines).toEqual(['spindle at 8000 rpm']);
	});

	it('drops a peer whose message Automerge refuses, keeps the others going', async () => {
		const { document, invalid } = relayDocument(base);
		const good = new Client('good', A.clone(base));
		const bad = new Client('bad', A.clone(base));
		await syncAll(document, [good, bad]);
		// The wire parser refuses such bytes already; the document must not rely on it.
		document.receive(bad, 'sync', new Uint8Array([0x42, 1, 2, 3, 4]));
		await settle();
		expect(invalid).toHaveLength(1);
		expect(document.hasPeer(bad)).toBe(false);
		good.doc = A.change(good.doc, (d) => void d.lines.push('still fine'));
		await syncAll(document, [good]);
		expect(good.inbox).toEqual([]);
	});

	it('is idle only with no peer left and nothing under way', async () => {
		const { document } = relayDocument(base);
		const c = new Client('c', A.clone(base));
		await syncAll(document, [c]);
		expect(document.idleSince()).toBeNull();
		document.removePeer(c);
		expect(document.idleSince()).not.toBeNull();
	});

	it('keeps no memory per received change beyond what the change adds to the document', async () => {
		// Each scenario in a child of its own: a fresh wasm instance, whose linear memory (it only grows) is its own.
		const child = resolve(import.meta.dirname, '../../tests/helpers/relay-memory-child.ts');
		const perChange = async (mode: 'relay' | 'bare') => {
			const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, mode]);
			return (JSON.parse(stdout) as { bytesPerChange: number }).bytesPerChange;
		};
		const [relay, bare] = await Promise.all([perChange('relay'), perChange('bare')]);
		// A chat message of ~35 ops adds ~0.4 KB to the relay's copy of the document. Before forgetPatches() the relay
		// kept ~5.6 KB per change (its patch log) for as long as the document stayed open: the capacity benchmark's
		// memory growth.
		expect(relay).toBeLessThan(1500);
		// The Automerge behaviour forgetPatches() works around: a bare wasm document fed changes one at a time keeps
		// their patch events. If this fails, Automerge no longer does, and forgetPatches() can go.
		expect(bare).toBeGreaterThan(4000);
	});
});

describe('DocumentSync with other relay nodes', () => {
	/** The document on another node, which saved everything it has to the shared store. */
	const elsewhere = () => {
		const other = { doc: A.clone(base), reloads: 0 };
		return { other, reload: async () => (other.reloads++, [A.save(other.doc)]) };
	};
	const write = (doc: A.Doc<Doc>, line: string) => A.change(doc, (d) => void d.lines.push(line));

	it("passes another node's durable changes to its peers without writing them again", async () => {
		const { other, reload } = elsewhere();
		const { document, log } = relayDocument(base, reload);
		const reader = new Client('reader', A.clone(base));
		await syncAll(document, [reader]);
		const appends = log.length;
		const before = A.getHeads(other.doc);
		other.doc = write(other.doc, 'from node B');
		document.fromElsewhere({ kind: 'changes', changes: A.saveSince(other.doc, before) });
		await settle();
		reader.take();
		expect(reader.doc.lines).toEqual(['spindle at 8000 rpm', 'from node B']);
		expect(log.length).toBe(appends);
		expect(other.reloads).toBe(0);
	});

	it('reloads from the store when a change arrives without the one before it, or another node names heads it lacks', async () => {
		const { other, reload } = elsewhere();
		const { document } = relayDocument(base, reload);
		const reader = new Client('reader', A.clone(base));
		await syncAll(document, [reader]);
		// The first change's message was lost between the nodes; the second shows the gap.
		other.doc = write(other.doc, 'lost on the way');
		const afterLost = A.getHeads(other.doc);
		other.doc = write(other.doc, 'arrived');
		document.fromElsewhere({ kind: 'changes', changes: A.saveSince(other.doc, afterLost) });
		await settle();
		expect(other.reloads).toBe(1);
		await syncAll(document, [reader]);
		expect(reader.doc.lines).toEqual(['spindle at 8000 rpm', 'lost on the way', 'arrived']);

		// Only the heads came (the change itself was dropped): reloaded too; heads it has change nothing.
		other.doc = write(other.doc, 'announced by its heads');
		document.fromElsewhere({ kind: 'heads', heads: A.getHeads(other.doc) });
		await settle();
		await syncAll(document, [reader]);
		expect(reader.doc.lines.at(-1)).toBe('announced by its heads');
		document.fromElsewhere({ kind: 'heads', heads: A.getHeads(other.doc) });
		await settle();
		expect(other.reloads).toBe(2);
	});
});
