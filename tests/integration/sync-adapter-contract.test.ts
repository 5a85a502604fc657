// automerge-repo's own network adapter acceptance tests, on our relay adapter (peer 0) and two of our client
// adapters. The suite picks its own peer ids ("alice", "a", "left"…), so the user binding of peer ids is switched
// off here; sync-hostile.test.ts tests it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runNetworkAdapterTests } from '@automerge/automerge-repo/helpers/tests/network-adapter-tests.js';
import { WebSocket, WebSocketServer } from 'ws';
import { describe } from 'vitest';
import { asUserId } from '../../src/lib/model/ids.ts';
import { RelayClientAdapter } from '../../src/lib/sync/websocket-client-adapter.ts';
import { RelayNetworkAdapter } from '../../sync-server/sync/network.ts';
import { FAST_BACKOFF } from './sync-harness.ts';

describe('our WebSocket adapters', () => {
	runNetworkAdapterTests(async () => {
		const server = http.createServer();
		const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
		const relayAdapter = new RelayNetworkAdapter({ mayRead: () => true, peerIdAllowed: () => true, save: async () => {} });
		server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => relayAdapter.attach(ws, asUserId('tester'))));
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
