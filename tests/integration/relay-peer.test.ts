// PeerJS signalling at /peerjs on the relay's server: only a signed-in person, only with a peer id of their own,
// an offer only between two members of the conversation it names, and a disabled person's signalling socket is
// closed at once.
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sendAdminCommand } from '../../sync-server/admin/socket.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';

let relay: TestRelay;
/** Petr's Service case chat on SC-1042 with Anna, registered with the relay. */
let conversationId: string;
beforeAll(async () => {
	relay = await startRelay({ turn: { secret: 'turn-secret', urls: ['turn:turn.plant.lan:3478'], ttlSeconds: 600 } });
	const petr = await login(relay.url, 'petr');
	conversationId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
	const registered = await api(relay.url, '/api/conversations', { token: petr.token, body: { documentId: conversationId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
	if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
});
afterAll(() => relay?.close());

const peerUrl = (id: string, token: string) => `${relay.wsUrl}/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`;

/** Connects like the peerjs client and resolves with the socket and its first message, or the refusal's status. */
function connect(url: string): Promise<{ ws: WebSocket; first: any } | number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(url);
		ws.once('message', (data) => resolve({ ws, first: JSON.parse(String(data)) }));
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode!);
			ws.terminate();
		});
		ws.on('error', () => {});
	});
}

describe('PeerJS signalling', () => {
	it('serves the PeerJS HTTP endpoint', async () => {
		const res = await fetch(`${relay.url}/peerjs`);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ name: 'PeerJS Server' });
	});

	it('relays signalling between two members of the conversation an offer names', async () => {
		const anna = await login(relay.url, 'anna');
		const petr = await login(relay.url, 'petr');
		const a = await connect(peerUrl('anna-a1b2c3', anna.token));
		const p = await connect(peerUrl('petr-x9y8', petr.token));
		if (typeof a === 'number' || typeof p === 'number') throw new Error(`refused: ${a} ${p}`);
		expect(a.first).toEqual({ type: 'OPEN' });
		const received = new Promise<any>((resolve) => p.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
		// A forged `src` is replaced by the server with the sender's real peer id.
		const offer = { sdp: 'v=0', metadata: { conversationId } };
		a.ws.send(JSON.stringify({ type: 'OFFER', src: 'petr-spoof', dst: 'petr-x9y8', payload: offer }));
		expect(await received).toMatchObject({ type: 'OFFER', src: 'anna-a1b2c3', payload: offer });
		// The answer and candidates flow back on the allowed pair.
		const answered = new Promise<any>((resolve) => a.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
		p.ws.send(JSON.stringify({ type: 'ANSWER', dst: 'anna-a1b2c3', payload: { sdp: 'v=0 answer' } }));
		expect(await answered).toMatchObject({ type: 'ANSWER', src: 'petr-x9y8' });
		// Garbage does not take the relay down.
		a.ws.send('not json{');
		a.ws.close();
		p.ws.close();
		expect((await fetch(`${relay.url}/health`)).status).toBe(200);
	});

	it('refuses an offer to or from someone who is not a member, and answers nobody offered', async () => {
		const jan = await login(relay.url, 'jan');
		const petr = await login(relay.url, 'petr');
		const anna = await login(relay.url, 'anna');
		const j = await connect(peerUrl('jan-1', jan.token));
		const p = await connect(peerUrl('petr-2', petr.token));
		const a = await connect(peerUrl('anna-2', anna.token));
		if (typeof j === 'number' || typeof p === 'number' || typeof a === 'number') throw new Error('refused');
		const petrGot: any[] = [];
		p.ws.on('message', (d) => petrGot.push(JSON.parse(String(d))));
		const nextOf = (ws: WebSocket) => new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));

		// Jan (Beta Tools) names Petr's conversation: the relay answers as if Petr were not there, Petr hears nothing.
		let reply = nextOf(j.ws);
		j.ws.send(JSON.stringify({ type: 'OFFER', dst: 'petr-2', payload: { sdp: 'v=0', metadata: { conversationId } } }));
		expect(await reply).toMatchObject({ type: 'EXPIRE', src: 'petr-2' });
		// An offer naming no conversation is refused too, even between members.
		reply = nextOf(a.ws);
		a.ws.send(JSON.stringify({ type: 'OFFER', dst: 'petr-2', payload: { sdp: 'v=0' } }));
		expect(await reply).toMatchObject({ type: 'EXPIRE' });
		// A member cannot pull a non-member in either.
		reply = nextOf(p.ws);
		p.ws.send(JSON.stringify({ type: 'OFFER', dst: 'jan-1', payload: { sdp: 'v=0', metadata: { conversationId } } }));
		expect(await reply).toMatchObject({ type: 'EXPIRE', src: 'jan-1' });
		// Answers and candidates without an allowed offer go nowhere.
		j.ws.send(JSON.stringify({ type: 'ANSWER', dst: 'petr-2', payload: { sdp: 'v=0' } }));
		j.ws.send(JSON.stringify({ type: 'CANDIDATE', dst: 'petr-2', payload: { candidate: 'x' } }));
		await new Promise((r) => setTimeout(r, 200));
		expect(petrGot.filter((m) => m.type !== 'EXPIRE')).toEqual([]);
		for (const c of [j, p, a]) c.ws.close();
	});

	it('hands signed-in people the configured ICE servers with fresh TURN credentials', async () => {
		const anna = await login(relay.url, 'anna');
		const res = await api(relay.url, '/api/ice-servers', { token: anna.token });
		expect(res.status).toBe(200);
		const [turn] = res.body.iceServers;
		expect(turn).toMatchObject({ urls: ['turn:turn.plant.lan:3478'], username: expect.stringMatching(/^\d+:anna$/), credential: expect.any(String) });
		const expiry = Number(turn.username.split(':')[0]);
		expect(expiry * 1000 - Date.now()).toBeGreaterThan(590_000);
		expect(expiry * 1000 - Date.now()).toBeLessThan(610_000);
		expect(res.headers.get('cache-control')).toBe('no-store');
	});

	it("refuses no token, a forged token and someone else's peer id", async () => {
		const anna = await login(relay.url, 'anna');
		expect(await connect(peerUrl('anna-1', ''))).toBe(401);
		expect(await connect(peerUrl('anna-1', 'forged.token'))).toBe(401);
		expect(await connect(peerUrl('petr-1', anna.token))).toBe(401);
		expect(await connect(peerUrl('anna', anna.token))).toBe(401);
		expect(await connect(peerUrl('anna-b-1', anna.token))).toBe(401);
	});

	it('closes the signalling socket of a person disabled meanwhile', async () => {
		const tomas = await login(relay.url, 'tomas');
		const t = await connect(peerUrl('tomas-42', tomas.token));
		if (typeof t === 'number') throw new Error(`refused: ${t}`);
		const closed = new Promise((resolve) => t.ws.once('close', resolve));
		await sendAdminCommand(relay.dataDir, ['disable', 'tomas']);
		await closed;
		expect(await connect(peerUrl('tomas-43', tomas.token))).toBe(401);
	});

	it('refuses upgrades on other paths with 404', async () => {
		expect(await connect(`${relay.wsUrl}/elsewhere`)).toBe(404);
	});
});
