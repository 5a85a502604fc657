// Files through the relay: a 200 MiB file uploaded as the app uploads it (the manifest, then 256 KiB chunks with four
// PUTs in flight, src/lib/files/relay-transfer.ts) over loopback to the relay as `npm start` runs it (build-relay/, its
// own process), with its files in DATA_DIR/blobs and in an S3 bucket (s3rver, a real S3 protocol server, in this
// process). Every 201 means the chunk's SHA-256 was checked and the chunk is on disk (fdatasync) or S3 completed its
// PUT; the last one, that the whole file was checked. Baseline, same run: the same PUTs to a bare Node HTTP server in
// its own process that reads each body and keeps nothing, i.e. what this client and loopback carry on this machine.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { CHUNK_SIZE, type ChunkManifest } from '../src/lib/model/file-manifest.ts';
import { api, login, spawnRelay, tempDataDir } from '../tests/helpers/relay.ts';
import { startS3 } from '../tests/helpers/s3-server.ts';
import { atLeast, figure, noGoal, type BenchGroup, type Figure } from './lib/figure.ts';
import { cpuMs } from './lib/proc.ts';
import { percentile } from './lib/stats.ts';

const median = (values: number[]) => percentile(values, 50);

const MiB = 1024 * 1024;
/** PUTs in flight, as the app sends them. */
const PARALLEL = 4;
const GOAL = 50;
/** The relay before the in-memory upload state (commit 0929427), measured by hand on this machine: docs/features.md, Files. */
const BEFORE = '11–14 MiB/s, 34–40 MiB per CPU-second (200 MiB, load average ~15; this change 21–32 MiB/s, 74–76 in the same by-hand runs)';
const BEFORE_CPU = 'the relay process alone, load-proof: what it would carry with a core of its own; before this change: 34–40';

export const relayFiles: BenchGroup = {
	name: 'Files through the relay',
	async run({ quick, log }) {
		const size = (quick ? 40 : 200) * MiB;
		const runs = quick ? 1 : 3;
		const bytes = randomBytes(size);
		const bare = await bareServer();
		const s3 = await startS3();
		const figures: Figure[] = [];
		try {
			const baseline = median(await repeat(runs, async () => rate(size, await putAll(bare.url, bytes, (i) => `/chunk/${i}`, ''))));
			log(`bare HTTP server: ${baseline.toFixed(0)} MiB/s`);
			for (const [where, env] of [['DATA_DIR/blobs', {}], ['S3 (s3rver)', s3.env]] as const) {
				const dataDir = tempDataDir('bench-files-');
				const relay = await spawnRelay(dataDir, env);
				try {
					const { token } = await login(relay.url, 'petr');
					const cpuBefore = cpuMs(relay.pid);
					const rates = await repeat(runs, async (run) => rate(size, await uploadThroughRelay(relay.url, token, variant(bytes, `${where} ${run}`))));
					// Load-proof: MiB the relay takes per second of its own CPU, i.e. its rate on one core of its own.
					const perCpuSecond = (runs * size) / MiB / ((cpuMs(relay.pid) - cpuBefore) / 1000);
					log(`${where}: ${rates.map((r) => r.toFixed(0)).join(', ')} MiB/s; ${perCpuSecond.toFixed(0)} MiB per CPU-second of the relay`);
					const name = `files: ${size / MiB} MiB uploaded through the relay into ${where}`;
					const note = `baseline: the same PUTs to a bare HTTP server that keeps nothing, same run; before this change: ${BEFORE}`;
					figures.push(
						figure(`${name}, median of ${runs}`, median(rates), 'MiB/s', baseline, atLeast(GOAL), note),
						figure(`${name}: MiB per CPU-second of the relay process`, perCpuSecond, 'MiB/s', null, atLeast(GOAL), `${BEFORE_CPU}`)
					);
				} finally {
					await relay.kill();
					rmSync(dataDir, { recursive: true, force: true });
				}
			}
			figures.push(figure('files: the same PUTs to a bare HTTP server (the ceiling here)', baseline, 'MiB/s', null, noGoal));
		} finally {
			await s3.close();
			bare.stop();
		}
		return figures;
	}
};

const rate = (size: number, ms: number) => size / MiB / (ms / 1000);

async function repeat<T>(times: number, run: (i: number) => Promise<T>): Promise<T[]> {
	const results: T[] = [];
	for (let i = 0; i < times; i++) results.push(await run(i));
	return results;
}

/** The bytes with their first chunk changed in place: another file (another hash) without generating 200 MiB again. */
function variant(bytes: Buffer, tag: string): Buffer {
	bytes.write(createHash('sha256').update(tag).digest('hex'));
	return bytes;
}

/** Announces the file in a new conversation and sends every chunk; ms from the announcement to the last 201. */
export async function uploadThroughRelay(url: string, token: string, bytes: Buffer): Promise<number> {
	const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
	const count = Math.ceil(bytes.length / CHUNK_SIZE);
	const manifest: ChunkManifest = { sha256: sha(bytes), size: bytes.length, chunkSize: CHUNK_SIZE, chunks: Array.from({ length: count }, (_, i) => sha(chunkOf(bytes, i))) };
	const conversation = parseAutomergeUrl(generateAutomergeUrl()).documentId as string;
	const registered = await api(url, '/api/conversations', { token, body: { documentId: conversation, kind: 'case', caseId: 'SC-1042', members: ['anna'] } });
	if (registered.status !== 201) throw new Error(`registering the conversation: ${registered.status}`);
	const base = `/api/conversations/${conversation}/files/${manifest.sha256}`;
	const started = performance.now();
	const announced = await api(url, `${base}/manifest`, { token, body: manifest });
	if (announced.status !== 200) throw new Error(`announcing the file: ${announced.status} ${JSON.stringify(announced.body)}`);
	await putAll(url, bytes, (i) => `${base}/chunks/${i}`, token);
	const ms = performance.now() - started;
	const done = await api(url, `${base}/manifest`, { token });
	if (!done.body.complete) throw new Error(`the relay does not have the whole file: ${JSON.stringify(done.body.present?.length)} chunks`);
	return ms;
}

/**
 * PUTs every chunk, PARALLEL at a time in index order (as relay-transfer.ts does) over kept-alive connections; ms until
 * the last answer. node:http rather than fetch: on 2 shared cores the client must cost as little as it can.
 */
async function putAll(url: string, bytes: Buffer, path: (index: number) => string, token: string): Promise<number> {
	const count = Math.ceil(bytes.length / CHUNK_SIZE);
	const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
	const put = (index: number) =>
		new Promise<void>((resolve, reject) => {
			const body = chunkOf(bytes, index);
			const req = request(`${url}${path(index)}`, { method: 'PUT', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': body.length } }, (res) => {
				let answer = '';
				res.on('data', (part: Buffer) => (answer += part));
				res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`chunk ${index}: ${res.statusCode} ${answer}`))));
			});
			req.on('error', reject);
			req.end(body);
		});
	let next = 0;
	const started = performance.now();
	const send = async () => {
		for (let index = next++; index < count; index = next++) await put(index);
	};
	try {
		await Promise.all(Array.from({ length: PARALLEL }, send));
	} finally {
		agent.destroy();
	}
	return performance.now() - started;
}

const chunkOf = (bytes: Buffer, index: number) => bytes.subarray(index * CHUNK_SIZE, Math.min((index + 1) * CHUNK_SIZE, bytes.length));

/** A Node HTTP server in a process of its own that reads each request body and answers 201. */
async function bareServer(): Promise<{ url: string; stop(): void }> {
	const code = `require('node:http').createServer((req, res) => { req.on('data', () => {}); req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end('{}'); }); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
	const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
	const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
	return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}
