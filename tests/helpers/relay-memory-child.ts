// Child process of the relay memory test (sync-server/sync/document-sync.test.ts): a fresh Automerge wasm instance,
// so its linear memory measures this scenario alone. Chat messages (a map with a text, ~35 ops each) reach documents
// one change at a time; prints {"bytesPerChange": n}, how much the wasm memory grew per change received.
//   node --import tsx tests/helpers/relay-memory-child.ts relay   the relay's DocumentSync, each change in a sync message
//   node --import tsx tests/helpers/relay-memory-child.ts bare    bare wasm documents fed the same changes, as the
//                                                                 relay fed them before forgetPatches()
import { wasmMemoryBytes } from './wasm-memory.ts'; // first: it must see Automerge's instance made
import { next as A } from '@automerge/automerge';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { backend, forgetPatches } from '../../sync-server/storage/automerge-backend.ts';
import { DocumentSync } from '../../sync-server/sync/document-sync.ts';

type Log = { logs: { s: number; text: string }[] };
const DOCUMENTS = 60;
const CHANGES = 20;
const mode = process.argv[2];

function post(doc: A.Doc<Log>, s: number): A.Doc<Log> {
	return A.change(doc, (d) => void d.logs.push({ s, text: `Message ${s} of a conversation on the site` }));
}

/** Each document's changes, one per message, made and freed before anything is measured. */
function chatChanges(): { bytes: Uint8Array; hash: string }[][] {
	const changes: { bytes: Uint8Array; hash: string }[][] = [];
	for (let i = 0; i < DOCUMENTS; i++) {
		let doc = A.from<Log>({ logs: [] });
		const list = [A.getLastLocalChange(doc)!];
		for (let s = 0; s <= CHANGES; s++) list.push(A.getLastLocalChange((doc = post(doc, s)))!);
		changes.push(list.map((bytes) => ({ bytes, hash: A.decodeChange(bytes).hash })));
		A.free(doc);
	}
	return changes;
}

async function relayScenario(): Promise<number> {
	const changes = chatChanges();
	const { encodeSyncMessage } = backend as unknown as { encodeSyncMessage(m: { heads: string[]; need: string[]; have: never[]; changes: Uint8Array[] }): Uint8Array };
	const writers = changes.map((_, i) => ({ peerId: `w${i}` }));
	const hooks = { deliver: () => {}, invalid: () => {}, unloadable: () => {}, persist: async () => {}, log: () => {} };
	const documents = writers.map((_, i) => new DocumentSync<{ peerId: string }>(`doc${i}` as DocumentId, Promise.resolve(undefined), hooks));
	// Each writer's sync message brings one change, as a chat client's does; the relay's answers are not needed.
	const send = async (s: number) => {
		for (const [i, document] of documents.entries()) {
			const { bytes, hash } = changes[i]![s]!;
			document.receive(writers[i]!, 'sync', encodeSyncMessage({ heads: [hash], need: [], have: [], changes: [bytes] }));
		}
		await new Promise((resolve) => setTimeout(resolve, 5));
	};
	for (let s = 0; s < 2; s++) await send(s); // warmed up: every document, sync state and code path exists
	const before = wasmMemoryBytes();
	for (let s = 2; s < CHANGES + 2; s++) await send(s);
	return (wasmMemoryBytes() - before) / (DOCUMENTS * CHANGES);
}

function bareScenario(): number {
	const changes = chatChanges();
	const docs = changes.map((list) => {
		const doc = backend.create({});
		doc.loadIncremental(list[0]!.bytes);
		doc.loadIncremental(list[1]!.bytes);
		forgetPatches(doc); // warmed up, and what the first changes left behind is gone
		return doc;
	});
	const before = wasmMemoryBytes();
	for (let s = 2; s < CHANGES + 2; s++) {
		for (const [i, doc] of docs.entries()) {
			doc.loadIncremental(changes[i]![s]!.bytes);
		}
	}
	return (wasmMemoryBytes() - before) / (DOCUMENTS * CHANGES);
}

const bytesPerChange = mode === 'relay' ? await relayScenario() : bareScenario();
console.log(JSON.stringify({ bytesPerChange: Math.round(bytesPerChange) }));
