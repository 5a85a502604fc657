// A relay in its own process for the kill -9 test: an HTTP server with createSyncRelay on 127.0.0.1.
// Usage: node --import tsx tests/integration/sync-relay-child.ts <dataDir> [port]; prints "listening <port>".
// Tokens are `t-<user>` for petr and anna, who may read every document (access is not what this tests).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asUserId } from '../../src/lib/model/ids.ts';
import { createSyncRelay } from '../../sync-server/sync/relay.ts';

const [dataDir, port = '0'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: sync-relay-child.ts <dataDir> [port]');
const users = new Set(['petr', 'anna']);
const relay = await createSyncRelay({
	dataDir,
	maxMessageBytes: 1024 * 1024,
	access: {
		authenticate: async (token) => (token.startsWith('t-') && users.has(token.slice(2)) ? asUserId(token.slice(2)) : null),
		mayRead: (userId) => users.has(userId)
	}
});
const server = http.createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
	socket.on('error', () => socket.destroy());
	relay.handleUpgrade(req, socket, head);
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
