// A TCP load balancer for tests with several relay nodes, as HAProxy in `mode tcp` with `balance roundrobin` and
// health checks would be: each new connection goes to the next backend in turn; a backend that refuses the connection
// (its node is down) is skipped and the next one tried, so a client reconnecting after its node died lands on a live
// one. Bytes are passed through untouched (HTTP, WebSocket upgrades); a connection ends on both sides when either does.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface TestBalancer {
	/** http://127.0.0.1:<port> */
	url: string;
	port: number;
	/** Live connections per backend port, now. */
	live(): Map<number, number>;
	/** Connections each backend port was given so far. */
	given(): Map<number, number>;
	close(): Promise<void>;
}

export async function startBalancer(backendPorts: number[]): Promise<TestBalancer> {
	let next = 0;
	const live = new Map<number, number>();
	const given = new Map<number, number>();
	const open = new Set<Socket>();
	const count = (map: Map<number, number>, port: number, by: number) => map.set(port, (map.get(port) ?? 0) + by);

	/** Tries the backends in turn from the next one; resolves with a connected socket, or null when all refused. */
	const pick = async (): Promise<{ upstream: Socket; port: number } | null> => {
		for (let tried = 0; tried < backendPorts.length; tried++) {
			const port = backendPorts[next++ % backendPorts.length]!;
			const upstream = await new Promise<Socket | null>((resolve) => {
				const socket = connect(port, '127.0.0.1');
				socket.once('connect', () => resolve(socket));
				socket.once('error', () => resolve(null));
			});
			if (upstream) return { upstream, port };
		}
		return null;
	};

	const server = createServer({ pauseOnConnect: true }, (client) => {
		open.add(client);
		client.on('error', () => {});
		client.once('close', () => open.delete(client));
		void pick().then((picked) => {
			if (!picked || client.destroyed) {
				picked?.upstream.destroy();
				return void client.destroy();
			}
			const { upstream, port } = picked;
			open.add(upstream);
			count(live, port, 1);
			count(given, port, 1);
			upstream.on('error', () => {});
			let ended = false;
			const end = () => {
				if (ended) return;
				ended = true;
				count(live, port, -1);
				client.destroy();
				upstream.destroy();
				open.delete(upstream);
			};
			client.once('close', end);
			upstream.once('close', end);
			client.pipe(upstream);
			upstream.pipe(client);
			client.resume();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		live: () => new Map([...live].filter(([, n]) => n > 0)),
		given: () => new Map(given),
		async close() {
			for (const socket of open) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
