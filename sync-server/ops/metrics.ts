// The relay's Prometheus metrics (prom-client), served at GET /metrics (metrics-endpoint.ts) to a scraper that has
// METRICS_TOKEN. This module owns the registry; the sync engine, the document log and the API report through the
// narrow meters they declare (SyncMeter, LogStoreMeter, ApiMeter), each call one counter step or one histogram
// observation, nothing allocated. What the relay holds (connections, documents and sync states in memory) is read only
// when scraped. Loaded only when METRICS_TOKEN is set (server.ts imports it then): a relay without it pays nothing.
// Nothing in a metric names a person, a document or a conversation: labels are a handful of fixed words.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiMeter, SignInOutcome } from '../http/api.ts';
import type { LogStoreMeter } from '../storage/log-store.ts';
import type { NodeBusStats } from '../cluster/node-bus.ts';
import type { EngineStats, SyncMeter } from '../sync/engine.ts';

export type SocketKind = 'sync' | 'peerjs';
type RefusedKind = 'http' | SocketKind;

/** What the relay holds right now, read at a scrape. */
export interface MetricSources {
	connections(kind: SocketKind): number;
	engine(): EngineStats;
	/** The bus to the other relay nodes (REDIS_URL), or undefined for a single node (then no node_bus metrics). */
	bus?(): { connected: boolean; stats: NodeBusStats } | undefined;
}

export interface RelayMetrics extends SyncMeter, LogStoreMeter, ApiMeter {
	/** An HTTP answer or a refused WebSocket upgrade: counted when its status is a refusal (401, 403, 413, 429…). */
	answered(kind: RefusedKind, status: number): void;
	/** Where the gauges read from (the relay's parts exist only after the registry). */
	watch(sources: MetricSources): void;
	/** The registry in Prometheus' text format. */
	text(): Promise<string>;
}

/** Refusals: a bad or missing sign-in, a forbidden origin, too large, too many. */
const REFUSALS = new Set([401, 403, 408, 413, 429, 431]);
const SECONDS = 1 / 1000;

export function createRelayMetrics(): RelayMetrics {
	const registry = new Registry();
	const registers = [registry];
	let sources: MetricSources | undefined;
	// The event loop sampled every 100 ms, not prom-client's 10: a stall of interest lasts longer, and the 100 Hz timer
	// alone cost an idle relay ~0.5 % of a core.
	collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });

	new Gauge({
		name: 'caseroom_connections',
		help: 'Open WebSocket connections: sync (documents) and peerjs (call and file signalling).',
		labelNames: ['kind'] as const,
		registers,
		collect() {
			for (const kind of ['sync', 'peerjs'] as const) this.set({ kind }, sources?.connections(kind) ?? 0);
		}
	});
	const engine = (name: string, help: string, read: (stats: EngineStats) => number) =>
		new Gauge({ name, help, registers, collect() { this.set(sources ? read(sources.engine()) : 0); } });
	engine('caseroom_sync_peers', 'Joined sync connections (a peer id bound to a signed-in person).', (s) => s.peers);
	engine('caseroom_documents_in_memory', 'Documents the sync engine holds in memory (idle ones leave after SYNC_IDLE_UNLOAD_SECONDS).', (s) => s.documents);
	engine('caseroom_sync_peer_documents', 'Documents open per joined connection, summed: the sync states peers hold.', (s) => s.peerDocuments);
	engine('caseroom_sync_states', 'Distinct sync states in memory (peers at the same point with a document share one).', (s) => s.syncStates);

	const changes = new Counter({ name: 'caseroom_sync_changes_received_total', help: 'Sync messages from clients that brought changes the relay did not have.', registers });
	const deliveries = new Counter({ name: 'caseroom_sync_deliveries_total', help: 'Sync messages sent to clients (answers, acknowledgements and changes passed on to members).', registers });
	const delivery = new Histogram({
		name: 'caseroom_sync_delivery_seconds',
		help: "From a change's message arriving to the change being on disk and sent to every member with the document open.",
		buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
		registers
	});
	const flush = new Histogram({
		name: 'caseroom_document_log_flush_seconds',
		help: "One group commit of the relay's document log: a batch of changes written and fdatasync'ed.",
		buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
		registers
	});
	const flushFailures = new Counter({ name: 'caseroom_document_log_flush_failures_total', help: 'Batches of the document log that could not be written (a full disk, an I/O error); nothing of them was acknowledged.', registers });
	const fileBytes = new Counter({ name: 'caseroom_file_bytes_total', help: 'Bytes of shared files through the relay: in (uploaded chunks kept) and out (chunks served).', labelNames: ['direction'] as const, registers });
	const signIns = new Counter({ name: 'caseroom_sign_ins_total', help: 'Sign-ins by outcome: ok, wrong (a wrong name or password, or a disabled person), throttled (too many failures).', labelNames: ['outcome'] as const, registers });
	const refused = new Counter({ name: 'caseroom_refused_total', help: 'Requests and WebSocket upgrades refused (401, 403, 408, 413, 429, 431), by kind and status.', labelNames: ['kind', 'status'] as const, registers });
	// Present from the start at 0, so a rate over them is defined before the first event.
	for (const direction of ['in', 'out']) fileBytes.inc({ direction }, 0);
	for (const outcome of ['ok', 'wrong', 'throttled'] satisfies SignInOutcome[]) signIns.inc({ outcome }, 0);

	return {
		changeReceived: () => changes.inc(),
		delivered: () => deliveries.inc(),
		changesDelivered: (ms) => delivery.observe(ms * SECONDS),
		flushed: (ms) => flush.observe(ms * SECONDS),
		flushFailed: () => flushFailures.inc(),
		fileBytes: (direction, bytes) => fileBytes.inc({ direction }, bytes),
		signIn: (outcome) => signIns.inc({ outcome }),
		answered(kind, status) {
			if (REFUSALS.has(status)) refused.inc({ kind, status: String(status) });
		},
		watch(watched) {
			sources = watched;
			const bus = watched.bus;
			if (bus?.()) registerBusMetrics(registers, () => bus()!);
		},
		text: () => registry.metrics()
	};
}

/** The node bus's metrics (several nodes), registered only on a node that has one: its counters live in the bus and
 * are copied at a scrape. */
function registerBusMetrics(registers: Registry[], read: () => { connected: boolean; stats: NodeBusStats }): void {
	new Gauge({
		name: 'caseroom_node_bus_connected',
		help: 'Several relay nodes: 1 while this node is connected to Redis (REDIS_URL), 0 while not.',
		registers,
		collect() {
			this.set(read().connected ? 1 : 0);
		}
	});
	const counter = (name: string, help: string, pick: (stats: NodeBusStats) => number) => {
		let counted = 0;
		new Counter({
			name,
			help,
			registers,
			collect() {
				const now = pick(read().stats);
				this.inc(Math.max(0, now - counted));
				counted = now;
			}
		});
	};
	counter('caseroom_node_bus_published_total', 'Messages this node sent to the other relay nodes (changes, heads, live messages, directory notices, PeerJS frames).', (s) => s.published);
	counter('caseroom_node_bus_dropped_total', 'Messages not sent because Redis was away: the other nodes repair from PostgreSQL.', (s) => s.dropped);
	counter('caseroom_node_bus_received_total', 'Messages from the other relay nodes.', (s) => s.received);
	counter('caseroom_node_bus_resumed_total', 'Times Redis came back after an outage (every document in memory then reloads from PostgreSQL).', (s) => s.resumed);
}
