// A TCP proxy that injects the faults of a plant floor's network (this kernel has no tc netem): delay and jitter
// per direction, a bandwidth cap (with, on request, a bounded buffer that holds the sender back), connections that stall (open, bytes held) or are reset, bytes that vanish on the
// way to the client while the connection looks alive, and a network that is gone until it is healed. Random faults
// come from a seeded PRNG, so a run replays. Everything is TCP-level: HTTP, WebSocket and the app's page load alike.
import net from 'node:net';
import { prng, type Prng } from './prng.ts';

/** One direction of the link. Jitter never reorders bytes: TCP does not either. */
export interface LinkShape {
	/** Added to every chunk, ms. */
	delayMs?: number;
	/** Up to this much more, uniformly at random, ms. */
	jitterMs?: number;
	/** Cap in bytes per second; unset: unlimited. */
	bytesPerSecond?: number;
	/**
	 * Bytes the link holds on their way; beyond that the proxy stops reading from the sender, which then sees its own
	 * send buffer fill and drain at the link's pace, as behind a real slow link. Unset: the proxy takes everything at
	 * once (the sender sees a fast link). The kernel's socket buffers on loopback still hold a few MB before that.
	 */
	bufferBytes?: number;
}

export interface FaultProfile {
	/** Client → target (the relay). */
	up?: LinkShape;
	/** Target → client. */
	down?: LinkShape;
	/** Share (0-1) of new connections that stall at a random moment: open, but no byte passes either way. */
	stallRate?: number;
	/** Share (0-1) of new connections reset (RST) at a random moment. */
	resetRate?: number;
	/** The random moment falls within this long after the connection opened; default 5000 ms. */
	faultWithinMs?: number;
	/** A stall ends after this long (the held bytes then flow); default: never, until a side gives up. */
	stallMs?: number;
}

export interface FaultCounts {
	connections: number;
	/** Refused while the network was cut. */
	refused: number;
	stalls: number;
	resets: number;
	/** Connections destroyed by cut() / cutAndHeal(). */
	cuts: number;
	/** Connections the target closed on its side (a relay dropping a socket it takes for dead, say). */
	closedByTarget: number;
	bytesUp: number;
	bytesDown: number;
}

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
	/** Replaces the profile: the link shape applies to open connections too, the rates to new ones. */
	setProfile(profile: FaultProfile): void;
	/** Stalls every open connection now (for ms, or until it closes). */
	stallAll(ms?: number): void;
	/** Resets every open connection now. */
	resetAll(): void;
	/** Open connections. */
	openConnections(): number;
	/** What was injected so far. */
	counts(): FaultCounts;
	close(): Promise<void>;
}

export interface FaultProxyOptions {
	profile?: FaultProfile;
	/** Seeds the random delays, jitter and faults; default 1. */
	seed?: number;
}

/** Largest piece scheduled at once, so a bandwidth cap paces a big frame instead of delaying it in one lump. */
const PIECE = 16 * 1024;

/** One direction of one connection: a FIFO that releases each piece at its time, unless held. */
class ShapedPipe {
	#queue: { bytes: Buffer; at: number }[] = [];
	#lastAt = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#whenEmpty: (() => void) | undefined;
	#queued = 0;
	held = false;
	dropping = false;

	constructor(
		private readonly source: net.Socket,
		private readonly out: net.Socket,
		private readonly shape: () => LinkShape,
		private readonly random: Prng,
		private readonly counted: (n: number) => void
	) {}

	push(chunk: Buffer): void {
		if (this.dropping) return;
		const { delayMs = 0, jitterMs = 0, bytesPerSecond } = this.shape();
		if (!delayMs && !jitterMs && !bytesPerSecond && !this.held && this.#queue.length === 0) return this.#write(chunk);
		const now = Date.now();
		for (let offset = 0; offset < chunk.length; offset += PIECE) {
			const bytes = chunk.subarray(offset, offset + PIECE);
			const latency = delayMs + (jitterMs ? this.random.next() * jitterMs : 0);
			const transmit = bytesPerSecond ? (bytes.length / bytesPerSecond) * 1000 : 0;
			// In order, never before its latency, and no faster than the cap after the previous piece.
			const at = Math.max(now + latency, this.#lastAt + transmit);
			this.#lastAt = at;
			this.#queue.push({ bytes, at });
			this.#queued += bytes.length;
		}
		const { bufferBytes } = this.shape();
		if (bufferBytes !== undefined && this.#queued > bufferBytes) this.source.pause();
		this.#schedule();
	}

	release(): void {
		this.held = false;
		this.#schedule();
	}

	/** The source closed: deliver what is queued (unless held for good), then call `done` once. */
	finish(done: () => void): void {
		this.#whenEmpty = done;
		this.#schedule();
	}

	stop(): void {
		clearTimeout(this.#timer);
		this.#queue = [];
		this.#queued = 0;
		this.#whenEmpty = undefined;
	}

	#schedule(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		if (this.held) return;
		const now = Date.now();
		while (this.#queue.length && this.#queue[0]!.at <= now) {
			const { bytes } = this.#queue.shift()!;
			this.#queued -= bytes.length;
			this.#write(bytes);
		}
		const { bufferBytes } = this.shape();
		if (this.source.isPaused() && (bufferBytes === undefined || this.#queued <= bufferBytes / 2)) this.source.resume();
		if (this.#queue.length) this.#timer = setTimeout(() => this.#schedule(), this.#queue[0]!.at - now);
		else if (this.#whenEmpty) {
			const done = this.#whenEmpty;
			this.#whenEmpty = undefined;
			done();
		}
	}

	#write(bytes: Buffer): void {
		if (this.out.destroyed) return;
		this.counted(bytes.length);
		this.out.write(bytes);
	}
}

interface Pair {
	client: net.Socket;
	upstream: net.Socket;
	up: ShapedPipe;
	down: ShapedPipe;
	timers: ReturnType<typeof setTimeout>[];
}

export async function startFaultProxy(targetPort: number, options: FaultProxyOptions = {}): Promise<FaultProxy> {
	const random = prng(options.seed ?? 1);
	let profile: FaultProfile = options.profile ?? {};
	const pairs = new Set<Pair>();
	const counts: FaultCounts = { connections: 0, refused: 0, stalls: 0, resets: 0, cuts: 0, closedByTarget: 0, bytesUp: 0, bytesDown: 0 };
	let swallowing = false;
	let down = false;

	const destroy = (pair: Pair) => {
		pairs.delete(pair);
		for (const t of pair.timers) clearTimeout(t);
		pair.up.stop();
		pair.down.stop();
		pair.client.destroy();
		pair.upstream.destroy();
	};
	const stall = (pair: Pair, ms = profile.stallMs) => {
		if (!pairs.has(pair) || pair.up.held) return;
		counts.stalls++;
		pair.up.held = pair.down.held = true;
		if (ms !== undefined)
			pair.timers.push(
				setTimeout(() => {
					pair.up.release();
					pair.down.release();
				}, ms)
			);
	};
	const reset = (pair: Pair) => {
		if (!pairs.has(pair)) return;
		counts.resets++;
		pair.client.resetAndDestroy();
		destroy(pair);
	};

	const server = net.createServer((client) => {
		// A reset, the nearest a listening port comes to refusing: the client fails at once instead of waiting.
		if (down) {
			counts.refused++;
			return void client.resetAndDestroy();
		}
		counts.connections++;
		const upstream = net.connect(targetPort, '127.0.0.1');
		const linkRandom = random.fork();
		const pair: Pair = {
			client,
			upstream,
			up: new ShapedPipe(client, upstream, () => profile.up ?? {}, linkRandom, (n) => (counts.bytesUp += n)),
			down: new ShapedPipe(upstream, client, () => profile.down ?? {}, linkRandom, (n) => (counts.bytesDown += n)),
			timers: []
		};
		pair.down.dropping = swallowing;
		pairs.add(pair);
		client.on('data', (chunk: Buffer) => pair.up.push(chunk));
		upstream.on('data', (chunk: Buffer) => pair.down.push(chunk));
		// A side that closes cleanly gets its queued bytes delivered first (an HTTP response before its FIN); an error
		// ends both at once. Both closed: forget the pair.
		let open = 2;
		const closed = (pipe: ShapedPipe, other: net.Socket) => (hadError: boolean) => {
			if (hadError || --open === 0) return destroy(pair);
			pipe.finish(() => other.end());
		};
		client.on('close', closed(pair.up, upstream));
		upstream.on('close', (hadError) => {
			if (pairs.has(pair)) counts.closedByTarget++; // not torn down by the proxy itself
			closed(pair.down, client)(hadError);
		});
		for (const socket of [client, upstream]) socket.on('error', () => destroy(pair));
		const { stallRate = 0, resetRate = 0, faultWithinMs = 5000 } = profile;
		const roll = random.next();
		const when = random.next() * faultWithinMs;
		if (roll < stallRate) pair.timers.push(setTimeout(() => stall(pair), when));
		else if (roll < stallRate + resetRate) pair.timers.push(setTimeout(() => reset(pair), when));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	const cut = () => {
		down = true;
		for (const pair of [...pairs]) {
			counts.cuts++;
			destroy(pair);
		}
	};
	const heal = () => {
		down = false;
		swallowing = false;
		for (const pair of pairs) pair.down.dropping = false;
	};
	return {
		port: (server.address() as net.AddressInfo).port,
		swallowToClients() {
			swallowing = true;
			for (const pair of pairs) pair.down.dropping = true;
		},
		cutAndHeal() {
			cut();
			heal();
		},
		cut,
		heal,
		setProfile(next) {
			profile = next;
		},
		stallAll(ms) {
			for (const pair of [...pairs]) stall(pair, ms);
		},
		resetAll() {
			for (const pair of [...pairs]) reset(pair);
		},
		openConnections: () => pairs.size,
		counts: () => ({ ...counts }),
		close() {
			down = true;
			for (const pair of [...pairs]) destroy(pair);
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}
