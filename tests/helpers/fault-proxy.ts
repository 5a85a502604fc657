// A TCP proxy that injects the faults of a plant floor's network (this kernel has no tc netem): bytes that
// vanish on the way to the client while the connection looks alive, connections cut at once, and a network that is
// gone (every connection cut and new ones refused) until it is healed.
import net from 'node:net';

export interface FaultProxy {
	/** 127.0.0.1 port that forwards to the target. */
	port: number;
	/** From now on, bytes from the target to clients are swallowed; the connections stay open. */
	swallowToClients(): void;
	/** Destroys every open connection (both sides) and forwards normally again for new ones. */
	cutAndHeal(): void;
	/** The network is gone: destroys every open connection and, until heal(), every new one as soon as it connects. */
	cut(): void;
	/** The network is back: new connections are forwarded again and nothing is swallowed any more. */
	heal(): void;
	close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
	const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
	let swallowing = false;
	let down = false;
	const server = net.createServer((client) => {
		// A reset, the nearest a listening port comes to refusing: the client fails at once instead of waiting.
		if (down) return void client.resetAndDestroy();
		const upstream = net.connect(targetPort, '127.0.0.1');
		const pair = { client, upstream };
		pairs.add(pair);
		const end = () => {
			pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on('data', (chunk) => upstream.write(chunk));
		upstream.on('data', (chunk) => {
			if (!swallowing) client.write(chunk);
		});
		for (const socket of [client, upstream]) {
			socket.on('error', end);
			socket.on('close', end);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const cut = () => {
		down = true;
		for (const { client, upstream } of [...pairs]) {
			client.destroy();
			upstream.destroy();
		}
	};
	const heal = () => {
		down = false;
		swallowing = false;
	};
	return {
		port: (server.address() as net.AddressInfo).port,
		swallowToClients() {
			swallowing = true;
		},
		cutAndHeal() {
			cut();
			heal();
		},
		cut,
		heal,
		close() {
			cut();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}
