// Whiteboards through the whole relay: only members of the conversation load a board or hear its live strokes,
// and two people who drew on the same board while apart see both drawings once they are connected again.
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { addElement, elementBase, newWhiteboard, visibleElements } from '../../src/lib/whiteboard/board.ts';
import { encodePoints } from '../../src/lib/whiteboard/points.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { api, login, spawnRelay, tempDataDir, type ChildRelay } from '../helpers/relay.ts';
import { registeredCaseChat, signedInClient } from '../helpers/signed-in.ts';
import { shutdownAll, sleep, until } from './sync-harness.ts';

const dataDir = tempDataDir();
let relay: ChildRelay;
let proxy: FaultProxy;
const clients: ClientRepo[] = [];

beforeAll(async () => {
	relay = await spawnRelay(dataDir);
	proxy = await startFaultProxy(Number(new URL(relay.url).port));
});
afterAll(async () => {
	await shutdownAll(clients);
	await proxy?.close();
	await relay?.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

async function client(username: string, overProxy = false) {
	const c = await signedInClient(relay.url, username, overProxy ? `ws://127.0.0.1:${proxy.port}/sync` : undefined);
	clients.push(c);
	return c;
}

/** Petr starts a board in his case chat with Anna and attaches it, as the app's Share → Whiteboard session does. */
async function petrsBoard(petr: ClientRepo): Promise<DocHandle<WhiteboardDoc>> {
	const chat = await registeredCaseChat(relay.url, petr);
	const board = petr.repo.create<WhiteboardDoc>(newWhiteboard({ conversationId: chat.documentId, title: 'Wire guide', createdBy: asUserId('petr'), createdAt: Date.now() }));
	const { token } = await login(relay.url, 'petr');
	const attached = await api(relay.url, `/api/conversations/${chat.documentId}/documents`, { token, body: { documentId: board.documentId, kind: 'whiteboard' } });
	expect(attached.status).toBe(201);
	expect(await petr.delivery.whenDelivered(board, 5000)).toBe(true);
	return board;
}

function stroke(doc: WhiteboardDoc, id: string, author: string, x: number) {
	addElement(doc, {
		...elementBase({ id, author: asUserId(author), at: Date.now(), x, y: 100, color: '#d62828', width: 4 }),
		kind: 'pen',
		points: encodePoints([
			{ x: 0, y: 0, pressure: 0.5 },
			{ x: 50, y: 20, pressure: 0.7 }
		])
	});
}

const strokeIds = (handle: DocHandle<WhiteboardDoc>) => visibleElements(handle.doc()).map((e) => e.id).sort();

describe('whiteboards through the relay', () => {
	it('serves a board, and its live strokes, to members of its conversation only', async () => {
		const petr = await client('petr');
		const board = await petrsBoard(petr);
		board.change((doc) => stroke(doc, 'first', 'petr', 10));
		const anna = await client('anna');
		const annasBoard = await anna.repo.find<WhiteboardDoc>(board.url);
		await until(() => strokeIds(annasBoard).length === 1, 5000, "petr's stroke at anna's");

		const heard: unknown[] = [];

		annasBoard.on('ephemeral-message', ({ message }) => heard.push(message));
		for (const outsider of ['tomas', 'jan']) {
			const c = await client(outsider);
			await expect(c.repo.find(board.url as AutomergeUrl)).rejects.toThrow(/unavailable/);
		}
		for (let i = 0; i < 10; i++) {
			board.broadcast({ type: 'pointer', name: 'Petr Novák', x: i, y: 2 });
			await sleep(5);
		}
		await until(() => heard.length === 10, 5000, 'anna to hear every live pointer');
		expect(heard[9]).toEqual({ type: 'pointer', name: 'Petr Novák', x: 9, y: 2 });
	});

	it('merges what two people drew while one of them was offline, nothing lost', async () => {
		const petr = await client('petr');
		const board = await petrsBoard(petr);
		const anna = await client('anna', true);
		const annasBoard = await anna.repo.find<WhiteboardDoc>(board.url);

		proxy.cut();
		await until(() => anna.connection.current.status !== 'online', 5000, 'anna offline');
		board.change((doc) => stroke(doc, 'petr-1', 'petr', 10));
		annasBoard.change((doc) => {
			stroke(doc, 'anna-1', 'anna', 200);
			stroke(doc, 'anna-2', 'anna', 300);
		});
		await sleep(300);
		expect(strokeIds(board)).toEqual(['petr-1']);

		proxy.heal();
		await until(() => strokeIds(board).length === 3 && strokeIds(annasBoard).length === 3, 15_000, 'both drawings on both sides');
		expect(strokeIds(annasBoard)).toEqual(['anna-1', 'anna-2', 'petr-1']);
		expect(visibleElements(annasBoard.doc()).map((e) => e.id)).toEqual(visibleElements(board.doc()).map((e) => e.id));
	});
});
