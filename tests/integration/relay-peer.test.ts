// PeerJS signalling at /peerjs on the relay's server: only a signed-in person, only with a peer id of their own,
// and a disabled person's signalling socket is closed at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sendAdminCommand } from '../../sync-server/admin-socket.ts';
import { login, startRelay, type TestRelay } from '../helpers/relay.ts';

let relay: TestRelay;
beforeAll(async () => {
	relay = await startRelay();
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

	it('relays signalling between two signed-in people', async () => {
		const anna = await login(relay.url, 'anna');
		const petr = await login(relay.url, 'petr');
		const a = await connect(peerUrl('anna-a1b2c3', anna.token));
		const p = await connect(peerUrl('petr-x9y8', petr.token));
		if (typeof a === 'number' || typeof p === 'number') throw new Error(`refused: ${a} ${p}`);
		expect(a.first).toEqual({ type: 'OPEN' });
		const received = new Promise<any>((resolve) => p.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
		// A forged `src` is replaced by the server with the sender's real peer id.
		a.ws.send(JSON.stringify({ type: 'OFFER', src: 'petr-spoof', dst: 'petr-x9y8', payload: { sdp: 'v=0' } }));
		expect(await received).toMatchObject({ type: 'OFFER', src: 'anna-a1b2c3', payload: { sdp: 'v=0' } });
		// Garbage does not take the relay down.
		a.ws.send('not json{');
		a.ws.close();
		p.ws.close();
		expect((await fetch(`${relay.url}/health`)).status).toBe(200);
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
