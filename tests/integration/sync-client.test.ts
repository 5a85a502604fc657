// Our client adapter on its own: the heartbeat keeps a live connection online against the real relay, and gives
// up on a relay that went silent (as a dead Wi-Fi link looks to a browser), or on a connection that stalls before the
// relay ever answered, then reconnects by itself.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cbor, type PeerId } from '@automerge/automerge-repo';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, expect, it } from 'vitest';
import { RelayClientAdapter } from '../../src/lib/sync/websocket-client-adapter.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { FAST_BACKOFF, removeDir, sleep, startSyncRelay, tokenOf, until } from './sync-harness.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function adapter(url: string, heartbeatMs: number): RelayClientAdapter {
	const a = new RelayClientAdapter({ url, token: tokenOf('petr'), webSocket: WebSocket, backoff: FAST_BACKOFF, heartbeatMs });
	cleanups.push(() => a.disconnect());
	a.connect('petr:heart' as PeerId, {});
	return a;
}

it('stays online on a live relay while the heartbeat runs', async () => {
	const relay = await startSyncRelay();
	cleanups.push(() => removeDir(relay.dataDir), () => relay.stop());
	const client = adapter(relay.url, 40);
	let peers = 0;
	client.on('peer-candidate', () => peers++);
	await until(() => client.connection.current.status === 'online');
	const statuses: string[] = [];
	client.connection.subscribe((s) => statuses.push(s.status));
	await sleep(400);
	expect(statuses).toEqual(['online']);
	expect(peers).toBe(1);
});

it('gives up on a relay that stops answering, and reconnects', async () => {
	// A relay that answers the first join of each socket and then goes silent.
	const server = http.createServer();
	const wss = new WebSocketServer({ server });
	let connections = 0;
	wss.on('connection', (socket) => {
		connections++;
		let answered = false;
		socket.on('message', (data: Buffer) => {
			const join = cbor.decode(data) as { senderId: string };
			if (answered) return;
			answered = true;
			socket.send(cbor.encode({ type: 'peer', senderId: 'silent-relay', peerMetadata: {}, selectedProtocolVersion: '1', targetId: join.senderId }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(() => new Promise((resolve) => server.close(resolve)), () => wss.close(), () => server.closeAllConnections());
	const client = adapter(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/sync`, 60);
	const left: string[] = [];
	client.on('peer-disconnected', ({ peerId }) => left.push(peerId));
	await until(() => client.connection.current.status === 'online');
	await until(() => client.connection.current.lastError === 'the relay stopped answering', 2000, 'the heartbeat to give up');
	expect(left).toEqual(['silent-relay']);
	await until(() => connections >= 2, 2000, 'a new connection');
});

it('gives up on a connection that stalls in its handshake, and reconnects', async () => {
	const relay = await startSyncRelay();
	// Every new connection stalls at once: open, but no byte passes, so the WebSocket never even opens.
	const link = await startFaultProxy(relay.port, { profile: { stallRate: 1, faultWithinMs: 0 } });
	cleanups.push(() => removeDir(relay.dataDir), () => relay.stop(), () => link.close());
	const client = adapter(`ws://127.0.0.1:${link.port}/sync`, 150);
	await until(() => client.connection.current.lastError === 'the relay did not answer in time', 3000, 'the client to give up on the stalled handshake');
	link.setProfile({});
	await until(() => client.connection.current.status === 'online', 5000, 'online over a healthy connection');
	expect(link.counts().stalls).toBeGreaterThanOrEqual(1);
});
