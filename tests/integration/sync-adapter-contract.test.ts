// automerge-repo's own network adapter acceptance tests on two of our client adapters, with automerge-repo's stock
// WebSocket server adapter as peer 0 (the relay itself is no network adapter: its sync engine is a peer of every
// client, tested against stock clients in sync-relay.test.ts and sync-interop.test.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runNetworkAdapterTests } from '@automerge/automerge-repo/helpers/tests/network-adapter-tests.js';
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { WebSocket, WebSocketServer } from 'ws';
import { describe } from 'vitest';
import { RelayClientAdapter } from '../../src/lib/sync/websocket-client-adapter.ts';
import { FAST_BACKOFF } from './sync-harness.ts';

describe('our WebSocket adapters', () => {
	runNetworkAdapterTests(async () => {
		const server = http.createServer();
		const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
		const relayAdapter = new WebSocketServerAdapter(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]);
		server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/sync`;
		const client = () => new RelayClientAdapter({ url, token: 'unused', webSocket: WebSocket, backoff: FAST_BACKOFF });
		const alice = client();
		const bob = client();
		const teardown = () => {
			alice.disconnect();
			bob.disconnect();
			relayAdapter.disconnect();
			wss.close();
			server.closeAllConnections();
			server.close();
		};
		return { adapters: [relayAdapter, alice, bob], teardown };
	});
});
