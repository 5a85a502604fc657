// Chat and an offline reload on an iPad. Petr, in WebKit, opens a Service case chat with Anna and they talk (Anna
// is a real automerge-repo client in Node, built as the app builds its own). Then Petr's network drops: WebKit
// reaches the relay only through a proxy that now cuts and refuses every connection. He writes and reloads: the
// app shell comes from the service worker and the conversation from IndexedDB, with what he wrote still marked as
// kept on this device; once the network returns it reaches the relay and Anna. Anna's answer quotes Petr's question
// and names him, and her read mark gives his question "Seen by Anna Horáková", offline after the reload too.
import '@automerge/automerge'; // initialises the wasm for the slim automerge-repo the client layer imports
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { receiptsDocumentId } from '../../src/lib/model/derived-ids.ts';
import { markSeen, startReceipts } from '../../src/lib/model/receipts.ts';
import type { ReceiptsDoc } from '../../src/lib/model/receipts-schema.ts';
import { openOrStart } from '../../src/lib/sync/open-or-start.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { api, login } from '../helpers/relay';
import { createCaseChat, signIn, useAppAndWebKit, type WebKitPage } from './harness';

const running = useAppAndWebKit();
let petrsLink: FaultProxy;
let anna: ClientRepo | undefined;

beforeAll(async () => {
	petrsLink = await startFaultProxy(Number(new URL(running.app.url).port));
});
afterAll(async () => {
	await anna?.shutdown();
	await petrsLink?.close();
});

const OFFLINE = 'Offline: changes are kept on this device';
const connection = (page: WebKitPage, text: string | RegExp, timeout = 15_000) => page.byRole('status', undefined, { hasText: text, timeout });
const messages = (page: WebKitPage) => page.byRole('log', 'Messages');
/** A message in frame 2 with this text (and, if given, this delivery state). */
const message = async (page: WebKitPage, text: string, state?: string, timeout = 15_000) =>
	page.byCss('article', { within: await messages(page), hasText: state ? [text, state] : text, timeout });

async function send(page: WebKitPage, text: string) {
	await page.fill('Message', text);
	await page.click('button', 'Send');
}

const texts = (handle: DocHandle<ConversationDoc>) => handle.doc()?.messages.flatMap((m) => (m.kind === 'text' ? [m.text] : [])) ?? [];

async function until(test: () => boolean, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!test()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Anna's own client, signed in through the API, finds the conversation once the relay lists it as hers. */
async function annaOpens(documentId: string): Promise<DocHandle<ConversationDoc>> {
	const session = await login(running.app.url, 'anna');
	let listed = false;
	const deadline = Date.now() + 15_000;
	while (!listed) {
		if (Date.now() > deadline) throw new Error("The relay never listed Petr's conversation for Anna");
		const { body } = await api<{ id: string }[]>(running.app.url, '/api/conversations', { token: session.token });
		listed = Array.isArray(body) && body.some((c) => c.id === documentId);
		if (!listed) await new Promise((r) => setTimeout(r, 100));
	}
	anna = createClientRepo({ url: `${running.app.url.replace(/^http/, 'ws')}/sync`, token: session.token, userId: session.user.id, webSocket: WebSocket });
	return anna.repo.find<ConversationDoc>(`automerge:${documentId}` as AutomergeUrl);
}

describe('chat and an offline reload, in WebKit', () => {
	it('talks, keeps what is written offline through a reload, and delivers it when the network returns', async () => {
		const petr = await running.webkit.newSession();
		await signIn(petr, `http://127.0.0.1:${petrsLink.port}`, 'petr');
		await connection(petr, /^Online$/);

		const documentId = await createCaseChat(petr, 'Wire breaks during roughing', 'Anna Horáková');

		await send(petr, 'Good morning Anna, which wire do you use?');
		await message(petr, 'which wire do you use?', 'Reached the relay');

		const annas = await annaOpens(documentId);
		await until(() => texts(annas).includes('Good morning Anna, which wire do you use?'), "Petr's message at Anna's");
		const question = annas.doc().messages.find((m) => m.kind === 'text')!.id;
		annas.change((doc) =>
			postMessage(doc, { id: asMessageId(`m-${crypto.randomUUID()}`), author: asUserId('anna'), at: Date.now(), text: '@Petr Novák 0.25 mm brass, it breaks after ~40 mm.', replyTo: question, mentions: [asUserId('petr')] })
		);
		const answer = await message(petr, '0.25 mm brass, it breaks after ~40 mm.');
		expect(await answer.getAttribute('aria-label')).toMatch(/^Anna Horáková, .*, Mentions you$/);
		await petr.byRole('button', 'Show the message from Petr Novák this answers', { within: answer });
		const receipts = await openOrStart<ReceiptsDoc>(anna!.repo, receiptsDocumentId(documentId), (d) => startReceipts(d, documentId));
		receipts.change((d) => void markSeen(d, asUserId('anna'), { count: annas.doc().messages.length, at: Date.now(), last: null }));
		await message(petr, 'which wire do you use?', 'Seen by Anna Horáková');

		// The service worker must hold the app shell before the network goes.
		await petr.waitFor('the service worker to control the page', () => petr.evaluate(() => navigator.serviceWorker.controller !== null || null));
		petrsLink.cut();
		await connection(petr, OFFLINE);
		await send(petr, 'Written while the hall network is down');
		await message(petr, 'Written while the hall network is down', 'Kept on this device');

		await petr.reload();
		await message(petr, 'Written while the hall network is down', 'Kept on this device');
		await message(petr, 'which wire do you use?', 'Seen by Anna Horáková');
		await message(petr, '0.25 mm brass, it breaks after ~40 mm.');
		await connection(petr, OFFLINE);
		// Nothing came from the network: the page is the service worker's, the conversation this device's.
		await expect(petr.evaluate(() => navigator.serviceWorker.controller !== null)).resolves.toBe(true);
		await petr.screenshot('webkit-conferencing-offline-tablet');
		expect(texts(annas)).not.toContain('Written while the hall network is down');

		petrsLink.heal();
		await connection(petr, /^Online$/, 30_000);
		await message(petr, 'Written while the hall network is down', 'Reached the relay');
		await until(() => texts(annas).includes('Written while the hall network is down'), 'the offline message at Anna\'s');
		await petr.close();
	});
});
