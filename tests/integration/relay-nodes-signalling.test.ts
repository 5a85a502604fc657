// Two relay nodes on one PostgreSQL, one Redis and one S3 bucket, as behind a load balancer: PeerJS signalling
// between peers connected to different nodes (through the node bus, each node's gate on the way), what PeerJS
// answers for a peer on no node or a peer id held elsewhere, and a file uploaded through one node downloaded
// byte-identical through the other. Raw `peerjs`-protocol sockets, as relay-peer.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CHUNK_SIZE } from '../../src/lib/model/file-manifest.ts';
import { offerFrame, peerSocket } from '../helpers/peer-socket.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';
import { startS3, type TestS3 } from '../helpers/s3-server.ts';

let postgres: TestPostgres;
let redis: TestRedis;
let s3: TestS3;
let nodeA: TestRelay;
let nodeB: TestRelay;
/** Petr's case chat on SC-1042 with Anna. */
let conversationId: string;

beforeAll(async () => {
	[postgres, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3()]);
	const shared = { databaseUrl: await postgres.createDatabase(), redisUrl: redis.url, s3: s3.config, fileMaxBytes: 1024 * 1024 };
	nodeA = await startRelay(shared);
	const petr = await login(nodeA.url, 'petr');
	conversationId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
	const registered = await api(nodeA.url, '/api/conversations', { token: petr.token, body: { documentId: conversationId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
	if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
	// Started after the registration, so it knows the conversation without the directory's fan-out between nodes.
	nodeB = await startRelay(shared);
}, 60_000);
afterAll(async () => {
	await Promise.all([nodeA?.close(), nodeB?.close()]);
	await Promise.all([postgres?.close(), redis?.close(), s3?.close()]);
});

const peer = (node: TestRelay, id: string, token: string) => peerSocket(node.wsUrl, id, token);
const offer = (dst: string, connectionId: string) => offerFrame(dst, connectionId, conversationId);

describe('PeerJS signalling across relay nodes', () => {
	it('relays offer, answer and candidates between members on different nodes, and refuses a non-member there too', async () => {
		const [anna, petr, jan] = await Promise.all(['anna', 'petr', 'jan'].map((u) => login(nodeA.url, u)));
		const a = await peer(nodeA, 'anna-a1', anna!.token);
		const p = await peer(nodeB, 'petr-b1', petr!.token);
		expect(a.got.shift()).toEqual({ type: 'OPEN' });
		expect(p.got.shift()).toEqual({ type: 'OPEN' });

		a.send(offer('petr-b1', 'mc_1'));
		expect(await p.next('OFFER')).toMatchObject({ type: 'OFFER', src: 'anna-a1', dst: 'petr-b1', payload: { connectionId: 'mc_1' } });
		p.send({ type: 'ANSWER', dst: 'anna-a1', payload: { sdp: 'v=0 answer', connectionId: 'mc_1' } });
		expect(await a.next('ANSWER')).toMatchObject({ src: 'petr-b1', payload: { sdp: 'v=0 answer' } });
		a.send({ type: 'CANDIDATE', dst: 'petr-b1', payload: { candidate: 'c1', connectionId: 'mc_1' } });
		p.send({ type: 'CANDIDATE', dst: 'anna-a1', payload: { candidate: 'c2', connectionId: 'mc_1' } });
		expect(await p.next('CANDIDATE')).toMatchObject({ src: 'anna-a1', payload: { candidate: 'c1' } });
		expect(await a.next('CANDIDATE')).toMatchObject({ src: 'petr-b1', payload: { candidate: 'c2' } });

		// Jan (Beta Tools) on node B names the conversation: refused as on one node, Anna on node A hears nothing.
		const j = await peer(nodeB, 'jan-b2', jan!.token);
		j.send(offer('anna-a1', 'mc_2'));
		expect(await j.next('EXPIRE')).toMatchObject({ src: 'anna-a1', dst: 'jan-b2' });
		// Nor does a candidate for a connection nobody allowed get through.
		j.send({ type: 'CANDIDATE', dst: 'anna-a1', payload: { candidate: 'x', connectionId: 'mc_1' } });
		// The call ends: LEAVE crosses too (after which Anna has heard nothing from Jan).
		p.send({ type: 'LEAVE', dst: 'anna-a1' });
		expect(await a.next('LEAVE')).toMatchObject({ src: 'petr-b1' });
		expect(a.got).toEqual([]);
		for (const s of [a, p, j]) s.ws.close();
	});

	it('answers EXPIRE for an offer to a peer on no node, as one node does', async () => {
		const anna = await login(nodeB.url, 'anna');
		const a = await peer(nodeB, 'anna-b3', anna.token);
		const started = Date.now();
		a.send(offer('petr-nowhere', 'mc_3'));
		expect(await a.next('EXPIRE', 8000)).toEqual({ type: 'EXPIRE', src: 'petr-nowhere', dst: 'anna-b3' });
		expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
		// A LEAVE for nobody goes nowhere and breaks nothing.
		a.send({ type: 'LEAVE', dst: 'petr-nowhere' });
		a.ws.close();
	}, 15_000);

	it('moves a peer id to the node it reconnects to with the same token, and answers ID-TAKEN to another token', async () => {
		const petr = await login(nodeA.url, 'petr');
		const anna = await login(nodeA.url, 'anna');
		const onA = await peer(nodeA, 'petr-m1', petr.token);
		const closedOnA = new Promise((resolve) => onA.ws.once('close', resolve));
		// PeerJS reconnecting through the load balancer lands on node B with the same id and token.
		const onB = await peer(nodeB, 'petr-m1', petr.token);
		expect(onB.got.shift()).toEqual({ type: 'OPEN' });
		await closedOnA;
		// Frames for the id now reach it on node B, also from node A.
		const a = await peer(nodeA, 'anna-m2', anna.token);
		a.send(offer('petr-m1', 'mc_4'));
		expect(await onB.next('OFFER')).toMatchObject({ src: 'anna-m2' });

		// Someone else's token with Petr's id (his, signed a second later) on node A: refused, node B keeps it.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const other = await login(nodeA.url, 'petr');
		expect(other.token).not.toBe(petr.token);
		const intruder = await peer(nodeA, 'petr-m1', other.token);
		expect(await intruder.next('ID-TAKEN')).toMatchObject({ payload: { msg: 'ID is taken' } });
		await new Promise((resolve) => intruder.ws.readyState === WebSocket.CLOSED ? resolve(null) : intruder.ws.once('close', resolve));
		a.send(offer('petr-m1', 'mc_5'));
		expect(await onB.next('OFFER')).toMatchObject({ payload: { connectionId: 'mc_5' } });
		for (const s of [onB, a]) s.ws.close();
	});
});

describe('files across relay nodes', () => {
	it('a file uploaded through node A downloads byte-identical through node B (S3)', async () => {
		const [petr, anna] = await Promise.all([login(nodeA.url, 'petr'), login(nodeB.url, 'anna')]);
		const bytes = randomBytes(CHUNK_SIZE + 4321);
		const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
		const chunks = [bytes.subarray(0, CHUNK_SIZE), bytes.subarray(CHUNK_SIZE)];
		const manifest = { sha256: sha(bytes), size: bytes.length, chunkSize: CHUNK_SIZE, chunks: chunks.map(sha) };
		const path = (rest: string) => `/api/conversations/${conversationId}/files/${manifest.sha256}/${rest}`;
		expect((await api(nodeA.url, path('manifest'), { token: petr.token, body: manifest })).status).toBe(200);
		for (const [i, chunk] of chunks.entries()) {
			const put = await fetch(`${nodeA.url}${path(`chunks/${i}`)}`, { method: 'PUT', headers: { authorization: `Bearer ${petr.token}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(chunk) });
			expect(put.status).toBe(201);
		}
		expect((await api(nodeB.url, path('manifest'), { token: anna.token })).body).toMatchObject({ complete: true });
		const parts: Buffer[] = [];
		for (let i = 0; i < chunks.length; i++) {
			const res = await fetch(`${nodeB.url}${path(`chunks/${i}`)}`, { headers: { authorization: `Bearer ${anna.token}` } });
			expect(res.status).toBe(200);
			parts.push(Buffer.from(await res.arrayBuffer()));
		}
		expect(sha(Buffer.concat(parts))).toBe(manifest.sha256);
	});
});
