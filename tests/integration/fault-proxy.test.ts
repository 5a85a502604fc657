// The fault proxy the soak and the convergence test rely on: what it promises to do to the bytes, on real sockets
// through a real echo server.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProfile, type FaultProxy } from '../helpers/fault-proxy.ts';

let echo: net.Server;
let echoPort: number;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
	echo = net.createServer((s) => {
		s.on('error', () => {});
		s.pipe(s);
	});
	await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
	echoPort = (echo.address() as net.AddressInfo).port;
});
afterAll(async () => {
	await Promise.all(proxies.map((p) => p.close()));
	await new Promise((r) => echo.close(r));
});

async function proxy(profile: FaultProfile = {}, seed = 7) {
	const p = await startFaultProxy(echoPort, { profile, seed });
	proxies.push(p);
	return p;
}

/** Connects through the proxy; `received` collects the echo, `ended` says how the connection finished. */
function connect(port: number) {
	const socket = net.connect(port, '127.0.0.1');
	const chunks: Buffer[] = [];
	socket.on('data', (c: Buffer) => chunks.push(c));
	const ended = new Promise<string>((resolve) => {
		socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
		socket.on('close', () => resolve('closed'));
	});
	const opened = new Promise<void>((r) => socket.once('connect', () => r()));
	return { socket, received: () => Buffer.concat(chunks), ended, opened };
}

async function waitFor(test: () => boolean, ms: number) {
	const start = Date.now();
	while (!test()) {
		if (Date.now() - start > ms) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 5));
	}
	return Date.now() - start;
}

describe('the fault proxy', () => {
	it('delays each direction with jitter and keeps every byte in order', async () => {
		const p = await proxy({ up: { delayMs: 60, jitterMs: 40 }, down: { delayMs: 60, jitterMs: 40 } });
		const c = connect(p.port);
		await c.opened;
		const sent = Buffer.from(Array.from({ length: 300 }, (_, i) => `chunk ${i};`).join(''));
		const start = Date.now();
		for (let i = 0; i < sent.length; i += 17) c.socket.write(sent.subarray(i, i + 17));
		await waitFor(() => c.received().length === sent.length, 5000);
		expect(Date.now() - start).toBeGreaterThanOrEqual(120);
		expect(c.received().equals(sent)).toBe(true);
		c.socket.destroy();
	});

	it('caps the bandwidth', async () => {
		const p = await proxy({ down: { bytesPerSecond: 100_000 } });
		const c = connect(p.port);
		await c.opened;
		const took = await (async () => {
			c.socket.write(Buffer.alloc(100_000, 1));
			return waitFor(() => c.received().length === 100_000, 5000);
		})();
		// 100 KB at 100 KB/s: about a second (the first piece leaves at once).
		expect(took).toBeGreaterThan(750);
		c.socket.destroy();
	});

	it('holds a sender back at the capped pace when the link buffer is bounded, as a real slow link does', async () => {
		/** How long until the sender's write of 12 MB was taken off its hands (its callback), ms. */
		const handedOff = async (up: FaultProfile['up']) => {
			const c = connect((await proxy({ up })).port);
			await c.opened;
			const sent = Buffer.alloc(12 * 1024 * 1024, 3);
			const start = Date.now();
			const written = new Promise<number>((resolve) => c.socket.write(sent, () => resolve(Date.now() - start)));
			await waitFor(() => c.received().length === sent.length, 10_000);
			expect(c.received().equals(sent)).toBe(true);
			c.socket.destroy();
			return written;
		};
		// 12 MB at 16 MB/s: the kernel's loopback buffers take a few MB at once, the rest leaves at the link's pace, so
		// the write cannot be done before ~0.5 s however fast the machine. An unbounded proxy takes it all at once.
		const bounded = await handedOff({ bytesPerSecond: 16 * 1024 * 1024, bufferBytes: 64 * 1024 });
		const unbounded = await handedOff({ bytesPerSecond: 16 * 1024 * 1024 });
		expect(bounded).toBeGreaterThan(400);
		expect(unbounded).toBeLessThan(bounded);
	});

	it('stalls a connection: open, bytes held, then flowing again', async () => {
		const p = await proxy({ stallRate: 1, faultWithinMs: 0, stallMs: 400 });
		const c = connect(p.port);
		await c.opened;
		await new Promise((r) => setTimeout(r, 20));
		const start = Date.now();
		c.socket.write('held');
		await new Promise((r) => setTimeout(r, 200));
		expect(c.received().length).toBe(0);
		expect(c.socket.destroyed).toBe(false);
		await waitFor(() => c.received().toString() === 'held', 2000);
		expect(Date.now() - start).toBeGreaterThanOrEqual(350);
		expect(p.counts().stalls).toBe(1);
		c.socket.destroy();
	});

	it('resets connections at random moments, replayably from its seed', async () => {
		const p = await proxy({ resetRate: 1, faultWithinMs: 100 });
		const c = connect(p.port);
		await expect(c.ended).resolves.toBe('ECONNRESET');
		expect(p.counts().resets).toBe(1);

		const pattern = async (seed: number) => {
			const q = await proxy({ stallRate: 0.3, resetRate: 0.3, faultWithinMs: 0, stallMs: 0 }, seed);
			for (let i = 0; i < 20; i++) {
				const d = connect(q.port);
				await d.opened;
				await new Promise((r) => setTimeout(r, 5));
				d.socket.destroy();
			}
			const { stalls, resets } = q.counts();
			return `${stalls}/${resets}`;
		};
		const first = await pattern(42);
		expect(await pattern(42)).toBe(first);
		expect(first).not.toBe('0/0');
	});

	it('cuts the network until it is healed, and swallows bytes to clients on demand', async () => {
		const p = await proxy();
		const open = connect(p.port);
		await open.opened;
		p.cut();
		await expect(open.ended).resolves.toMatch(/closed|ECONNRESET/);
		const refused = connect(p.port);
		await expect(refused.ended).resolves.toBe('ECONNRESET');
		p.heal();
		const again = connect(p.port);
		await again.opened;
		again.socket.write('back');
		await waitFor(() => again.received().toString() === 'back', 2000);
		p.swallowToClients();
		again.socket.write('lost');
		await new Promise((r) => setTimeout(r, 150));
		expect(again.received().toString()).toBe('back');
		expect(p.counts()).toMatchObject({ cuts: 1, refused: 1, closedByTarget: 0 });
		again.socket.destroy();
	});

	it('delivers what is in flight before passing on a clean close', async () => {
		const server = net.createServer((s) => s.end('response then FIN'));
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const p = await startFaultProxy((server.address() as net.AddressInfo).port, { profile: { down: { delayMs: 150 } } });
		const c = connect(p.port);
		await expect(c.ended).resolves.toBe('closed');
		expect(c.received().toString()).toBe('response then FIN');
		expect(p.counts().closedByTarget).toBe(1);
		await p.close();
		await new Promise((r) => server.close(r));
	});
});
