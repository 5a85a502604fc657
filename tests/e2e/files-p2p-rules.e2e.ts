// Who gets a file's bytes from another member's device, with real WebRTC data channels in Chromium and the real
// relay's /peerjs: a member gets the identical bytes; a non-member's offer is refused by the relay, so no channel
// ever opens; and a member of ANOTHER conversation with the same device, who names this conversation's file hash
// on a connection opened for the conversation they share, is refused by the serving device.
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChunkManifest } from '../../src/lib/model/file-manifest.ts';
import { p2pPages, relayServer, type P2pPages } from '../helpers/p2p-pages.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';
import { launchChromium } from './harness';

let relay: TestRelay;
let browser: Browser;
let pages: P2pPages;
const peer = (user: string) => `${user}-${randomBytes(6).toString('hex')}`;

async function register(token: string, caseId: string, members: string[]): Promise<string> {
	const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
	const res = await api(relay.url, '/api/conversations', { token, body: { documentId, kind: 'case', caseId, members } });
	if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
	return documentId;
}

async function device(user: string): Promise<{ page: Page; id: string }> {
	const { token } = await login(relay.url, user);
	const page = await pages.page(browser);
	const id = peer(user);
	await page.evaluate((o) => (window as any).p2p.open(o), { peerId: id, token, server: relayServer(relay.url), storeName: `files-${id}` });
	return { page, id };
}

beforeAll(async () => {
	relay = await startRelay();
	browser = await launchChromium();
	pages = await p2pPages(relay.url);
});
afterAll(async () => {
	await browser?.close();
	await pages?.close();
	await relay?.close();
});

it('gives a conversation’s file only to its members, and only on a connection for that conversation', async () => {
	const { token: petrToken } = await login(relay.url, 'petr');
	const acme = await register(petrToken, 'SC-1042', ['anna']); // Petr and Anna
	const beta = await register(petrToken, 'SC-2001', ['jan']); // Petr and Jan
	const [petr, anna, jan] = [await device('petr'), await device('anna'), await device('jan')];

	// Petr's device holds a file of each conversation (three chunks, and one).
	const [photo, log] = await petr.page.evaluate(async () => {
		const p2p = (window as any).p2p;
		return [await p2p.makeFile(600 * 1024, 1, true), await p2p.makeFile(100 * 1024, 2, true)] as ChunkManifest[];
	});
	await petr.page.evaluate(
		([acme, beta, photo, log]) => {
			const p2p = (window as any).p2p;
			p2p.setConversation(acme, ['petr', 'anna'], [photo]);
			p2p.setConversation(beta, ['petr', 'jan'], [log]);
		},
		[acme, beta, photo!.sha256, log!.sha256]
	);

	// Anna, a member of the Acme conversation, gets the identical photo through the app's fetcher.
	const got = await anna.page.evaluate(
		async ({ remote, acme, photo }) => {
			const p2p = (window as any).p2p;
			await p2p.source(remote, acme, photo);
			return { available: await p2p.available(photo.sha256), fetched: await p2p.fetchInto(photo.sha256, photo) };
		},
		{ remote: petr.id, acme, photo: photo! }
	);
	expect(got.available).toEqual([0, 1, 2]);
	expect(got.fetched.sha256).toBe(photo!.sha256);

	// Jan is not in the Acme conversation: the relay refuses his offer, no data channel opens.
	const refusedByRelay = await jan.page.evaluate(
		async ({ remote, acme, photo }) => (window as any).p2p.source(remote, acme, photo).then(() => 'connected', (e: Error) => e.message),
		{ remote: petr.id, acme, photo: photo! }
	);
	expect(refusedByRelay).toBe('The other device cannot be reached for this conversation.');
	expect(relay.logLines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ msg: expect.stringContaining('refused an offer'), peer: jan.id, to: petr.id }));

	// Jan and Petr share the Beta conversation: a connection for it opens, but naming the Acme photo's hash on it
	// gets a refusal from Petr's device, while Beta's own file still comes.
	const onShared = await jan.page.evaluate(
		async ({ remote, beta, photo, log }) => {
			const p2p = (window as any).p2p;
			await p2p.source(remote, beta, photo);
			const asked = await p2p.available(photo.sha256).then(() => 'answered', (e: Error) => e.message);
			const pulled = await p2p.pull(photo.sha256, 1).then(() => 'got bytes', (e: Error) => e.message);
			await p2p.source(remote, beta, log);
			return { asked, pulled, own: (await p2p.fetchInto(log.sha256, log)).sha256 };
		},
		{ remote: petr.id, beta, photo: photo!, log: log! }
	);
	expect(onShared.asked).toBe('This file is not part of the conversation this connection is for.');
	expect(onShared.pulled).toBe('This file is not part of the conversation this connection is for.');
	expect(onShared.own).toBe(log!.sha256);
});
