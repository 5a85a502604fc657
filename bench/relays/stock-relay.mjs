// The baseline: a stock automerge-repo relay as automerge-repo-sync-server sets one up (Repo + NodeFSStorageAdapter +
// WebSocketServerAdapter, sharePolicy false so it announces nothing), default settings otherwise, no access checks.
// Usage: node bench/relays/stock-relay.mjs <dataDir>; prints "listening <port>". Any HTTP request gets 200 (readiness).
import http from 'node:http';
import { Repo } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { WebSocketServer } from 'ws';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: stock-relay.mjs <dataDir>');
const server = http.createServer((_req, res) => res.writeHead(200).end('ok'));
const wss = new WebSocketServer({ server });
// WebSocketServerAdapter listens for connections only once the Repo connects it, a tick or more after the Repo is
// made: a client that connects before then is accepted and never answered. Say "listening" only after that.
const adapter = new WebSocketServerAdapter(wss);
const adapterConnected = new Promise((resolve) => {
	const connect = adapter.connect.bind(adapter);
	adapter.connect = (...args) => (connect(...args), resolve());
});
new Repo({
	network: [adapter],
	storage: new NodeFSStorageAdapter(dataDir),
	peerId: `stock-relay-${process.pid}`,
	sharePolicy: async () => false
});
await adapterConnected;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
