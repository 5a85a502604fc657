// One convergence run: a seeded schedule of messages, whiteboard edits, disconnects, reloads and relay kill -9
// played against the World, then everything healed and the verdict: do all clients hold identical documents, and
// is every message the relay acknowledged (and every message written) present? Used by the test and the soak.
import { addElement, deleteElement, elementBase, updateElement } from '../../../src/lib/whiteboard/board.ts';
import { encodePoints } from '../../../src/lib/whiteboard/points.ts';
import { prng } from '../prng.ts';
import { describeStep, makeSchedule, type Step, type StepKind } from './schedule.ts';
import { World, type WorldClient, type WorldNodes } from './world.ts';
import type { FaultProfile } from '../fault-proxy.ts';

export interface ConvergenceOptions {
	seed: number;
	steps: number;
	relayKills: number;
	/** Applied to every client's link (delay, jitter...); none by default. */
	profile?: FaultProfile;
	/** Several relay nodes (one PostgreSQL, one Redis), clients spread across them; one relay by default. */
	nodes?: WorldNodes;
	/** How long the healed system may take to converge. */
	settleTimeoutMs?: number;
	log?: (line: string) => void;
}

export interface ConvergenceResult {
	seed: number;
	ok: boolean;
	/** Why not, with the seed and the step, ready to print. */
	failure?: string;
	operations: Partial<Record<StepKind, number>>;
	/** Connections the proxies cut or refused, counted by the proxies themselves. */
	proxyFaults: { cuts: number; refused: number; stalls: number; resets: number };
	messagesWritten: number;
	messagesAcknowledged: number;
	/** Acknowledged messages missing anywhere at the end, or from the relay after a restart. */
	acknowledgedLost: number;
	/** Written messages missing anywhere at the end (a reload saves first, so none may go). */
	writtenLost: number;
	/** From healing everything to every client holding identical documents. */
	convergeMs: number | null;
	durationMs: number;
}

interface Written {
	id: string;
	client: number;
	heads: ReturnType<WorldClient['conversation']['heads']>;
	acknowledged: boolean;
}

export async function runConvergence(options: ConvergenceOptions): Promise<ConvergenceResult> {
	const { seed, log = () => {} } = options;
	const started = Date.now();
	const world = new World(seed, options.profile, undefined, options.nodes);
	const schedule = makeSchedule(prng(seed), { steps: options.steps, clients: 5, relayKills: options.relayKills });
	const written: Written[] = [];
	const operations: Partial<Record<StepKind, number>> = {};
	let at = -1;
	let failure: string | undefined;
	let convergeMs: number | null = null;
	let acknowledgedLost = 0;
	let writtenLost = 0;
	let proxyFaults = { cuts: 0, refused: 0, stalls: 0, resets: 0 };
	const where = () => (at < 0 ? 'setting up' : at >= schedule.length ? 'after the last step, everything healed' : `step ${at + 1}/${schedule.length} (${describeStep(schedule[at]!)})`);

	const noteAcknowledged = () => {
		for (const w of written) {
			if (w.acknowledged) continue;
			const c = world.clients[w.client]!;
			if (c.conversation.isReady() && c.repo.delivery.hasReachedRelay(c.conversation, w.heads)) w.acknowledged = true;
		}
	};

	try {
		await world.start();
		for (at = 0; at < schedule.length; at++) {
			const step = schedule[at]!;
			operations[step.kind] = (operations[step.kind] ?? 0) + 1;
			const t0 = Date.now();
			const lost = await play(world, step, written);
			// CONVERGE_TRACE=1 prints every step as it is played, with its time: for replaying a failure with SEED.
			if (process.env.CONVERGE_TRACE) log(`step ${at + 1}: ${describeStep(step)} (${Date.now() - t0} ms)`);
			if (lost.length) {
				acknowledgedLost += lost.length;
				throw new Error(`the restarted relay lacks ${lost.length} acknowledged message(s): ${lost.join(', ')}`);
			}
			await new Promise((r) => setTimeout(r, 15));
			noteAcknowledged();
		}
		// Heal everything: the relay up, every link back.
		const healed = Date.now();
		if (!world.relayUp) await world.startRelay();
		for (const c of world.clients) world.reconnect(c);
		const deadline = healed + (options.settleTimeoutMs ?? 30_000);
		let verdict = check(world, written);
		while (verdict && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 50));
			noteAcknowledged();
			verdict = check(world, written);
		}
		if (verdict) throw new Error(`no convergence ${options.settleTimeoutMs ?? 30_000} ms after healing: ${verdict}`);
		convergeMs = Date.now() - healed;
		noteAcknowledged();
		const ids = new Set<string>(world.clients[0]!.conversation.doc().messages.map((m) => m.id));
		acknowledgedLost = written.filter((w) => w.acknowledged && !ids.has(w.id)).length;
		writtenLost = written.filter((w) => !ids.has(w.id)).length;
		// The relay holds all of it too: a new device loading only from the relay sees every message.
		const fromRelay = new Set<string>((await world.relayView()).messages.map((m) => m.id));
		const notOnRelay = written.filter((w) => !fromRelay.has(w.id)).map((w) => w.id);
		if (notOnRelay.length) throw new Error(`a new device reading from the relay misses ${notOnRelay.join(', ')}`);
	} catch (error) {
		failure = `SEED=${seed} ${where()}: ${error instanceof Error ? error.message : String(error)}`;
		log(failure);
	} finally {
		const counts = world.clients.map((c) => c.proxy.counts());
		const sum = (k: 'cuts' | 'refused' | 'stalls' | 'resets') => counts.reduce((n, c) => n + c[k], 0);
		proxyFaults = { cuts: sum('cuts'), refused: sum('refused'), stalls: sum('stalls'), resets: sum('resets') };
		await world.close().catch((e) => log(`clean-up: ${String(e)}`));
	}
	return {
		seed,
		ok: !failure,
		failure,
		operations,
		proxyFaults,
		messagesWritten: written.length,
		messagesAcknowledged: written.filter((w) => w.acknowledged).length,
		acknowledgedLost,
		writtenLost,
		convergeMs,
		durationMs: Date.now() - started
	};
}

/** Plays one step; returns acknowledged message ids a restarted relay lost (checked before any client reconnects). */
async function play(world: World, step: Step, written: Written[]): Promise<string[]> {
	if (step.kind === 'wait') {
		await new Promise((r) => setTimeout(r, step.ms));
		return [];
	}
	if (step.kind === 'relay-kill') {
		await world.killRelay();
		return [];
	}
	if (step.kind === 'relay-restart') {
		// Keep the clients away until a new device has read what the relay kept on its own.
		const online = world.clients.filter((c) => c.online);
		for (const c of online) c.proxy.cut();
		await world.startRelay();
		const acknowledged = written.filter((w) => w.acknowledged).map((w) => w.id);
		const kept = new Set<string>((await world.relayView()).messages.map((m) => m.id));
		for (const c of online) c.proxy.heal();
		return acknowledged.filter((id) => !kept.has(id));
	}
	const c = world.clients[step.client]!;
	switch (step.kind) {
		case 'message':
			written.push({ ...world.post(c, step.text), client: step.client, acknowledged: false });
			break;
		case 'board-add':
			c.board.change((doc) => {
				addElement(doc, {
					...elementBase({ id: step.element, author: c.user, at: Date.now(), x: step.x, y: step.y, color: '#d62828', width: 4 }),
					kind: 'pen',
					points: encodePoints([
						{ x: 0, y: 0, pressure: 0.5 },
						{ x: 40, y: 25, pressure: 0.7 }
					])
				});
			});
			break;
		case 'board-move':
			// An element this device has not received yet is not there to move: the edit is a no-op, as in the app.
			c.board.change((doc) => void updateElement(doc, step.element, { x: step.x, y: step.y }));
			break;
		case 'board-delete':
			c.board.change((doc) => void deleteElement(doc, step.element));
			break;
		case 'disconnect':
			world.disconnect(c);
			break;
		case 'reconnect':
			world.reconnect(c);
			break;
		case 'reload':
			await world.reload(c);
			break;
	}
	return [];
}

/** Undefined when every client holds the same heads and contents of both documents and every written message. */
function check(world: World, written: Written[]): string | undefined {
	const [first, ...rest] = world.clients;
	const heads = (c: WorldClient) => `${[...c.conversation.heads()].sort().join()}|${[...c.board.heads()].sort().join()}`;
	// Key order in a materialised map depends on the order changes arrived in: compare with sorted keys.
	const content = (c: WorldClient) => canonical([c.conversation.doc(), c.board.doc()]);
	for (const [i, c] of rest.entries()) {
		if (heads(c) !== heads(first!)) return `client ${i + 1}'s heads differ from client 0's`;
		if (content(c) !== content(first!)) return `client ${i + 1}'s documents differ from client 0's: ${firstDifference(content(c), content(first!))}`;
	}
	const ids = new Set<string>(first!.conversation.doc().messages.map((m) => m.id));
	const missing = written.filter((w) => !ids.has(w.id));
	if (missing.length) return `${missing.length} written message(s) missing, e.g. ${missing[0]!.id}`;
	return undefined;
}

function firstDifference(a: string, b: string): string {
	let i = 0;
	while (i < a.length && a[i] === b[i]) i++;
	return `…${a.slice(Math.max(0, i - 80), i + 80)}… vs …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
			? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: ArrayBuffer.isView(v)
				? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
				: v
	);
}
