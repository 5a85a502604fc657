// Worker thread of the memory reproduction (repro.ts): the members' devices, each conversation a writer and a
// reader with Automerge's JavaScript API and sync states, as automerge-repo clients hold them. In a thread of their
// own so their wasm memory is not the relay's. Also loads saved documents in a fresh worker ('load'), for the floor.
import { wasmMemoryBytes } from '../../tests/helpers/wasm-memory.ts'; // first: it must see Automerge's instance made
import { parentPort } from 'node:worker_threads';
import * as A from '@automerge/automerge';
import { backend } from '../../sync-server/storage/automerge-backend.ts';

type Log = { logs: { a: { s: number; t: number; text: string }[] } };
interface Side {
	doc: A.Doc<Log>;
	state: A.SyncState;
}
export type Who = 'a' | 'b';
export type ToClients =
	| { kind: 'create'; conversations: number }
	| { kind: 'open' }
	| { kind: 'write'; conversations: number[] }
	| { kind: 'deliver'; messages: { c: number; who: Who; data: Uint8Array }[] }
	| { kind: 'load'; documents: Uint8Array[] };
export type FromClients = { kind: 'sync'; messages: { c: number; who: Who; type: 'sync' | 'request'; data: Uint8Array }[] } | { kind: 'loaded'; wasmBytes: number };

const port = parentPort!;
const conversations: { a: Side; b: Side; seq: number }[] = [];
let outgoing: Extract<FromClients, { kind: 'sync' }>['messages'] = [];

function sync(c: number, who: Who, type: 'sync' | 'request' = 'sync'): void {
	const side = conversations[c]![who];
	const [state, data] = A.generateSyncMessage(side.doc, side.state);
	side.state = state;
	if (data) outgoing.push({ c, who, type, data });
}

function flush(): void {
	if (outgoing.length) port.postMessage({ kind: 'sync', messages: outgoing } satisfies FromClients);
	outgoing = [];
}

port.on('message', (message: ToClients) => {
	switch (message.kind) {
		case 'create':
			for (let c = 0; c < message.conversations; c++) {
				conversations.push({ a: { doc: A.from<Log>({ logs: { a: [] } }), state: A.initSyncState() }, b: { doc: A.init<Log>(), state: A.initSyncState() }, seq: 0 });
				sync(c, 'a');
			}
			break;
		case 'open':
			for (let c = 0; c < conversations.length; c++) sync(c, 'b', 'request');
			break;
		case 'write':
			for (const c of message.conversations) {
				const conversation = conversations[c]!;
				const s = conversation.seq++;
				conversation.a.doc = A.change(conversation.a.doc, (d) => void d.logs.a.push({ s, t: performance.now(), text: `Message ${s} in conversation ${c}` }));
				sync(c, 'a');
			}
			break;
		case 'deliver':
			for (const { c, who, data } of message.messages) {
				const side = conversations[c]![who];
				[side.doc, side.state] = A.receiveSyncMessage(side.doc, side.state, data);
				sync(c, who);
			}
			break;
		case 'load': {
			// Only in a fresh worker: how much wasm memory the same documents take, loaded from their saved bytes.
			const docs = message.documents.map((bytes) => backend.load(bytes));
			port.postMessage({ kind: 'loaded', wasmBytes: wasmMemoryBytes() } satisfies FromClients);
			for (const doc of docs) doc.free();
			return;
		}
	}
	flush();
});
