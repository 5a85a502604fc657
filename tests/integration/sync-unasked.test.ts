// Nothing unasked: a connection hears only about documents it asked for itself. A person's new device (a second client
// of the same user) that opens only the conversation must receive no message at all about a whiteboard of that
// conversation, even though the same person's other device has the whiteboard open. (A relay that remembers what the
// USER asked, not what this connection asked, sends the new device a sync message about the whiteboard; automerge-repo
// on the device then starts a request of its own for it that nobody answers, and throws an uncatchable timeout 60 s
// later.) The frames are watched as they arrive on the new device's WebSocket, below automerge-repo.
import { cbor } from '@automerge/automerge-repo';
import { afterEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ourClient, removeDir, shutdownAll, sleep, startSyncRelay, type TestSyncRelay } from './sync-harness.ts';

type Doc = { lines: string[] };
let relay: TestSyncRelay;
const repos: Parameters<typeof shutdownAll>[0] = [];

afterEach(async () => {
	await shutdownAll(repos.splice(0));
	await relay.stop();
	removeDir(relay.dataDir);
});

/** Every frame the relay sent to sockets made by this class, decoded. */
const received: { type?: unknown; documentId?: unknown }[] = [];
class RecordingWebSocket extends WebSocket {
	constructor(url: string) {
		super(url);
		// The adapter asks for ArrayBuffers (binaryType), as a browser hands them over.
		this.on('message', (data: ArrayBuffer | Buffer) => received.push(cbor.decode(new Uint8Array(data))));
	}
}

it("a person's new device that opens only the conversation hears nothing of its whiteboard", async () => {
	relay = await startSyncRelay();
	// Petr's tablet: the conversation and its whiteboard, both open and on the relay.
	const tablet = ourClient(relay.url, 'petr');
	repos.push(tablet);
	const conversation = tablet.repo.create<Doc>({ lines: ['hello'] });
	const board = tablet.repo.create<Doc>({ lines: ['a stroke'] });
	relay.grant(conversation.documentId, 'petr', 'anna');
	relay.grant(board.documentId, 'petr', 'anna');
	for (const handle of [conversation, board]) expect(await tablet.delivery.whenDelivered(handle, 5000)).toBe(true);

	// Petr's new phone opens the conversation only.
	const phone = ourClient(relay.url, 'petr', { webSocket: RecordingWebSocket });
	repos.push(phone);
	const onPhone = await phone.repo.find<Doc>(conversation.url);
	expect(onPhone.doc().lines).toEqual(['hello']);
	// The tablet keeps working on both: changes the relay passes on to whoever should have them.
	conversation.change((d) => void d.lines.push('a message'));
	board.change((d) => void d.lines.push('another stroke'));
	await sleep(1500);

	expect(onPhone.doc().lines).toEqual(['hello', 'a message']);
	const aboutConversation = received.filter((f) => f.documentId === conversation.documentId);
	const aboutBoard = received.filter((f) => f.documentId === board.documentId);
	expect(aboutConversation.length).toBeGreaterThan(0); // the recording works
	expect(aboutBoard.map((f) => f.type)).toEqual([]);
	expect(phone.repo.handles[board.documentId]).toBeUndefined();

	// Asked, it is served at once: nothing was hidden, only not pushed.
	const boardOnPhone = await phone.repo.find<Doc>(board.url);
	expect(boardOnPhone.doc().lines).toEqual(['a stroke', 'another stroke']);
});
