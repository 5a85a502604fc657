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
new Repo({
	network: [new WebSocketServerAdapter(wss)],
	storage: new NodeFSStorageAdapter(dataDir),
	peerId: `stock-relay-${process.pid}`,
	sharePolicy: async () => false
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
