// Two relay nodes on one PostgreSQL: a token issued by node A a moment after a change there (a password reset, a new
// person, a person enabled again) is accepted by node B at once on the API, /sync and /peerjs, though B has not yet
// caught up with that change; an old token is refused by B at once. Node B runs without the bus, so no notice and no
// periodic catch-up reaches it: it is certainly behind when the token arrives (as any node is for the milliseconds a
// notice takes), and only the token itself can make it catch up. A forged token never does. While a catch-up is
// held up (the events table locked in PostgreSQL), a client giving up and the relay shutting down are both handled.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/lib/model/ids.ts';
import { peerSocket } from '../helpers/peer-socket.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';
import { startSharedServers, type SharedServers } from '../helpers/relay-nodes.ts';
import { joinFrame, rawSocket, until, type RawSocket } from './sync-harness.ts';

let servers: SharedServers;
let nodeA: TestRelay;
let nodeB: TestRelay;
const sockets: RawSocket[] = [];

beforeAll(async () => {
	servers = await startSharedServers();
	nodeA = (await servers.startNodes(1))[0]!;
	nodeB = (await servers.startNodes(1, { redisUrl: undefined }))[0]!;
}, 60_000);
afterAll(async () => {
	for (const raw of sockets) raw.socket.terminate();
	await servers?.close();
});

/** The token epoch node B has for this person (undefined: B does not know them yet). */
const epochOnB = (username: string) => nodeB.server.store.person(asUserId(username))?.tokenEpoch;

/** What the app does right after signing in, all at once on node B: its profile, its sync socket, its call signalling. */
async function useOnB(username: string, token: string) {
	const started = performance.now();
	const sync = syncOn(nodeB, token);
	const [me, synced, peer] = await Promise.all([api(nodeB.url, '/api/me', { token }), outcome(sync.opened, () => 'open'), peerOn(nodeB, username, token)]);
	return { me: me.status, sync: synced, peer, ms: performance.now() - started, socket: sync };
}

function syncOn(node: TestRelay, token: string): RawSocket {
	const sync = rawSocket(`${node.wsUrl}/sync`, token);
	sockets.push(sync);
	return sync;
}

/** A PeerJS socket's first frame (OPEN), or why it was refused; closed at once. */
const peerOn = (node: TestRelay, username: string, token: string) =>
	outcome(peerSocket(node.wsUrl, `${username}-${randomUUID().replaceAll('-', '')}`, token), (p) => (p.ws.close(), p.got[0]?.type as string));

/** What a client saw: `accepted` of the result, or the error's message. */
const outcome = <T>(attempt: Promise<T>, accepted: (value: T) => string) => attempt.then(accepted, (error: Error) => error.message);

const ACCEPTED = { me: 200, sync: 'open', peer: 'OPEN' };

describe('a token issued by one relay node', () => {
	it("is good on another node at once after Petr's password was reset, and his old one is refused there", { timeout: 30_000 }, async () => {
		const old = (await login(nodeA.url, 'petr')).token;
		const admin = (await login(nodeA.url, 'admin')).token;
		const before = epochOnB('petr');
		expect(before).toBeDefined();

		// An administrator resets Petr's password through node A; Petr signs in through A with the new one.
		expect((await api(nodeA.url, '/api/admin/people/petr/password', { token: admin, body: { password: 'a new long password 1' } })).status).toBe(200);
		const fresh = (await login(nodeA.url, 'petr', 'a new long password 1')).token;

		// Garbage and a forged token are refused without reading the database: B is still behind.
		const forged = `${fresh.split('.')[0]}.${Buffer.alloc(32).toString('base64url')}`;
		for (const token of ['garbage', forged]) expect((await api(nodeB.url, '/api/me', { token })).status).toBe(401);
		expect(epochOnB('petr')).toBe(before);

		// His next requests land on node B, which has not heard of the reset: accepted all the same.
		const used = await useOnB('petr', fresh);
		expect({ me: used.me, sync: used.sync, peer: used.peer }).toEqual(ACCEPTED);
		expect(epochOnB('petr')).toBe(before! + 1);
		// The sync socket really serves him.
		used.socket.send(joinFrame(`petr:${randomUUID()}`));
		await until(() => used.socket.frames.some((f) => f.type === 'peer'), 5000, 'the relay answered the join');

		// The token from before the reset: refused by B at once, on all three.
		const refused = await useOnB('petr', old);
		expect(refused.me).toBe(401);
		expect(refused.sync).toMatch(/401/);
		expect(refused.peer).toMatch(/401/);
		console.log(`relay-nodes-tokens: a fresh token on a node behind: API, /sync and /peerjs accepted in ${used.ms.toFixed(0)} ms; the old one refused in ${refused.ms.toFixed(0)} ms (busy shared machine)`);
	});

	it('is good on another node for a person just added, and for one just enabled again', { timeout: 30_000 }, async () => {
		const admin = (await login(nodeA.url, 'admin')).token;
		const added = await api(nodeA.url, '/api/admin/people', { token: admin, body: { username: 'vera', name: 'Věra Malá', org: 'gfms', role: 'engineer', password: 'vera long password 1' } });
		expect(added.status).toBe(201);
		expect(epochOnB('vera')).toBeUndefined();
		const vera = (await login(nodeA.url, 'vera', 'vera long password 1')).token;
		const used = await useOnB('vera', vera);
		expect({ me: used.me, sync: used.sync, peer: used.peer }).toEqual(ACCEPTED);

		// Eva is disabled through node A and B learns of it; she is enabled again through A and signs in there.
		expect((await api(nodeA.url, '/api/admin/people/eva/disable', { token: admin, body: {} })).status).toBe(200);
		await nodeB.server.store.catchUp();
		expect(nodeB.server.store.person(asUserId('eva'))?.disabled).toBe(true);
		expect((await api(nodeA.url, '/api/admin/people/eva/enable', { token: admin, body: {} })).status).toBe(200);
		const eva = (await login(nodeA.url, 'eva')).token;
		const usedByEva = await useOnB('eva', eva);
		expect({ me: usedByEva.me, sync: usedByEva.sync, peer: usedByEva.peer }).toEqual(ACCEPTED);
	});

	it('lets a client give up, and the relay shut down, while it catches up for a token', { timeout: 30_000 }, async () => {
		// Node C, behind as B is, for this test alone: it is shut down.
		const nodeC = await startRelay({ databaseUrl: servers.env.DATABASE_URL });
		const admin = (await login(nodeA.url, 'admin')).token;
		/** Tomáš's password reset through node A; his fresh token from A. */
		const resetAndSignIn = async (password: string) => {
			expect((await api(nodeA.url, '/api/admin/people/tomas/password', { token: admin, body: { password } })).status).toBe(200);
			return (await login(nodeA.url, 'tomas', password)).token;
		};
		const connections = async () => ((await api(nodeC.url, '/health')).body as { connections: number }).connections;
		// The directory's events locked: C's catch-up for a token waits on PostgreSQL until `release`.
		const blocker = new pg.Client({ connectionString: servers.env.DATABASE_URL });
		await blocker.connect();
		const hold = async () => {
			await blocker.query('BEGIN');
			await blocker.query('LOCK TABLE directory_events IN ACCESS EXCLUSIVE MODE');
		};
		const caughtUpWaiting = () =>
			until(async () => Number((await blocker.query('SELECT count(*) AS n FROM pg_locks WHERE NOT granted')).rows[0].n) > 0, 5000, "C's catch-up waiting for the lock");
		const release = () => blocker.query('COMMIT');
		try {
			// A client gives up while C catches up: C carries on, serving the one that waited, and keeps nothing of it.
			let fresh = await resetAndSignIn('a new long password 2');
			await hold();
			const gone = syncOn(nodeC, fresh);
			gone.opened.catch(() => {});
			const waited = syncOn(nodeC, fresh);
			await caughtUpWaiting();
			gone.socket.terminate();
			await gone.closed;
			await release();
			expect(await outcome(waited.opened, () => 'open')).toBe('open');
			expect(await connections()).toBe(1);
			expect(nodeC.logLines.some((line) => line.includes('Sync socket gone before it was authenticated'))).toBe(true);

			// The relay is told to stop while it catches up: the clients waiting are told so (503), and it stops.
			fresh = await resetAndSignIn('a new long password 3');
			await hold();
			const syncing = syncOn(nodeC, fresh);
			const calling = peerOn(nodeC, 'tomas', fresh);
			await caughtUpWaiting();
			const closing = nodeC.close();
			await release();
			expect(await outcome(syncing.opened, () => 'open')).toMatch(/503/);
			expect(await calling).toMatch(/503/);
			await closing;
			expect(nodeC.logLines.filter((line) => /"level":"(error|warn)"/.test(line))).toEqual([]);
		} finally {
			await blocker.end();
		}
	});
});
