// The two relays the sync figures compare, each in its own process with a fresh data directory, and a client for
// each: Caseroom's client repo against Caseroom's relay, automerge-repo's own WebSocketClientAdapter against the stock one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '@automerge/automerge'; // initialises the wasm for the slim automerge-repo the client repo imports
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { WebSocket } from 'ws';
import { createClientRepo, makePeerId } from '../../src/lib/sync/client-repo.ts';
import { until } from './stats.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export type RelayKind = 'caseroom' | 'stock';

export interface BenchRelay {
	kind: RelayKind;
	pid: number;
	/** ws://127.0.0.1:<port>/sync (the stock relay answers on any path). */
	url: string;
	dataDir: string;
	/** Makes these users members of the documents (the stock relay has no access control: a no-op). */
	grant(grants: { documentId: string; users: string[] }[]): Promise<void>;
	/** Our engine's documents in memory and joined peers; null for the stock relay, which does not say. */
	stats(): Promise<{ documents: number; peers: number } | null>;
	stop(): Promise<void>;
}

let compiled: Promise<string> | undefined;

/**
 * Our bench relay compiled as `npm start` compiles the product (esbuild, packages external), once per bench run: run
 * through tsx, its loader thread and on-the-fly compiling would be charged to the relay's CPU.
 */
function compiledCaseroomRelay(): Promise<string> {
	compiled ??= (async () => {
		const { build, stop } = await import('esbuild');
		const outfile = join(ROOT, 'bench', '.build', 'caseroom-relay.mjs');
		await build({ absWorkingDir: ROOT, entryPoints: ['bench/relays/caseroom-relay.ts'], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20.19', tsconfig: 'sync-server/tsconfig.json', logLevel: 'warning' });
		await stop();
		return outfile;
	})();
	return compiled;
}

/** `env`: added to the relay process's environment (e.g. SYNC_IDLE_UNLOAD_SECONDS). */
export async function startRelay(kind: RelayKind, env: NodeJS.ProcessEnv = {}): Promise<BenchRelay> {
	const dataDir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
	const args = kind === 'caseroom' ? [await compiledCaseroomRelay(), dataDir] : ['bench/relays/stock-relay.mjs', dataDir];
	const child = spawn(process.execPath, [...(process.env.BENCH_RELAY_NODE_ARGS?.split(' ') ?? []), ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const port = await listeningPort(child);
	const http = `http://127.0.0.1:${port}`;
	return {
		kind,
		pid: child.pid!,
		url: `ws://127.0.0.1:${port}/sync`,
		dataDir,
		async grant(grants) {
			if (kind === 'stock') return;
			const res = await fetch(`${http}/grant`, { method: 'POST', body: JSON.stringify(grants) });
			if (!res.ok) throw new Error(`grant: ${res.status}`);
		},
		async stats() {
			if (kind === 'stock') return null;
			return (await (await fetch(`${http}/stats`)).json()) as { documents: number; peers: number };
		},
		async stop() {
			await stopChild(child);
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** Resolves with the port once the child prints "listening <port>". */
export function listeningPort(child: ChildProcess, timeoutMs = 30_000): Promise<number> {
	return new Promise((resolvePort, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`relay did not start:\n${output}`)), timeoutMs);
		const onData = (data: Buffer) => {
			output += data;
			const port = /listening (\d+)/.exec(output)?.[1];
			if (port) {
				clearTimeout(timer);
				resolvePort(Number(port));
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', (d: Buffer) => (output += d));
		child.once('exit', (code) => reject(new Error(`relay exited (${code}):\n${output}`)));
	});
}

export async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
	await exited;
	clearTimeout(killer);
}

export interface BenchClient {
	repo: Repo;
	shutdown(): Promise<void>;
}

/**
 * A member's device: the client that belongs to this kind of relay, no local storage. `retryMs`: after a lost
 * connection both retry about this often (default: each its own way, 0.5 s doubling to 30 s and every 5 s).
 */
export function connectClient(relay: Pick<BenchRelay, 'kind' | 'url'>, user: string, retryMs?: number): BenchClient {
	if (relay.kind === 'caseroom') {
		const backoff = retryMs ? { initialMs: retryMs, maxMs: retryMs } : undefined;
		const client = createClientRepo({ url: relay.url, token: `t-${user}`, userId: user, webSocket: WebSocket, backoff });
		// The slim and the full automerge-repo entry points export the same Repo class.
		return { repo: client.repo as unknown as Repo, shutdown: () => client.shutdown() };
	}
	// A fresh peer id per client, as a browser tab gets one per page load.
	const repo = new Repo({ network: [new BrowserLikeClientAdapter(relay.url, retryMs)], peerId: makePeerId(user) as PeerId });
	return { repo, shutdown: () => repo.shutdown().catch(() => {}) };
}

/**
 * Resolves once the relay has answered this client's join. A find() sent before that is answered "unavailable"
 * as soon as the client's adapter gives up waiting (1 s), which a busy relay or a slow link can exceed.
 */
export function whenJoined(client: BenchClient, timeoutMs = 30_000): Promise<void> {
	return until(() => client.repo.peers.length > 0, timeoutMs, `the relay did not answer a join in ${timeoutMs} ms`);
}

/**
 * automerge-repo's client adapter as it behaves in a browser: in Node it throws on every socket error except
 * "refused" (a reset from the fault proxy's cut network becomes an uncaught exception), where a browser learns
 * nothing of the error and just retries, as this does.
 */
class BrowserLikeClientAdapter extends WebSocketClientAdapter {
	override onError = () => {};
}
