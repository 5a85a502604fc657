// Catch-up after an offline shift: a tablet is offline while others write 5,000 messages into a conversation (as the
// app writes them, one postMessage change each, spread over 8 hours) and the relay acknowledges them; the tablet
// then reconnects through a 300 ms round trip. How long until all 5,000 are in its document? The soak's catch-up
// trial (soak/catch-up-trial.ts) on a clean link, ten times its backlog, against both relays in the same run.
import { postMessage } from '../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../src/lib/model/ids.ts';
import { startFaultProxy } from '../tests/helpers/fault-proxy.ts';
import { catchUpTrial, SHIFT_LINK_WAY, SHIFT_MS, type CatchUpParties, type CatchUpTrial } from '../soak/catch-up-trial.ts';
import { directChat } from './lib/conversations.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { whenRelayHas } from './lib/relay-holds.ts';
import { connectClient, startRelay, whenJoined, type BenchRelay, type RelayKind } from './lib/relays.ts';
import { percentile } from './lib/stats.ts';

const RTT_MS = 2 * (SHIFT_LINK_WAY.delayMs! + SHIFT_LINK_WAY.jitterMs! / 2);
/** The tablet retries its connection about this often, with either client: the network's return is found alike. */
const RETRY_MS = 1000;

export const catchUp: BenchGroup = {
	name: 'Catch-up after an offline shift',
	async run({ quick, log }) {
		const backlog = quick ? 1000 : 5000;
		const trials = quick ? 1 : 3;
		log(`stock relay, ${trials} × ${backlog} messages…`);
		const stock = await trialsOn('stock', backlog, trials, log);
		log(`Caseroom relay, ${trials} × ${backlog} messages…`);
		const ours = await trialsOn('caseroom', backlog, trials, log);
		const median = (list: CatchUpTrial[], key: 'ms' | 'syncMs') => percentile(list.map((t) => t[key]), 50) / 1000;
		const worst = (list: CatchUpTrial[]) => Math.max(...list.map((t) => t.syncMs)) / 1000;
		const prefix = `catch-up: ${backlog} messages written while a tablet was offline, ${RTT_MS} ms RTT`;
		return [
			figure(`${prefix}, connected → all there (median of ${trials})`, median(ours, 'syncMs'), 's', median(stock, 'syncMs'), atMost(5), 'from the relay accepting the tablet again'),
			figure(`${prefix}, connected → all there (worst of ${trials})`, worst(ours), 's', worst(stock), noGoal),
			figure(`${prefix}, network back → all there (median of ${trials})`, median(ours, 'ms'), 's', median(stock, 'ms'), noGoal, `both clients retry every ${RETRY_MS / 1000} s`)
		];
	}
};

/** Each trial on a fresh conversation of the same relay: Petr writes the backlog, Eva's tablet catches up. */
async function trialsOn(kind: RelayKind, backlog: number, count: number, log: (m: string) => void): Promise<CatchUpTrial[]> {
	const relay = await startRelay(kind);
	const trials: CatchUpTrial[] = [];
	try {
		for (let t = 0; t < count; t++) {
			const shift = await openShift(relay);
			try {
				const trial = await catchUpTrial(shift.parties, { backlog, spanMs: SHIFT_MS, label: `Backlog ${t}`, link: { up: SHIFT_LINK_WAY, down: SHIFT_LINK_WAY }, timeoutMs: 120_000 });
				log(`${kind}: ${backlog} messages ${trial.syncMs} ms after the relay accepted the tablet, ${trial.ms} ms after the network came back`);
				trials.push(trial);
			} finally {
				await shift.close();
			}
		}
	} finally {
		await relay.stop();
	}
	return trials;
}

/** A Direct chat of Petr and Eva with some history, on Petr's device and on Eva's tablet behind its own link. */
async function openShift(relay: BenchRelay): Promise<{ parties: CatchUpParties; close(): Promise<void> }> {
	const relayPort = Number(new URL(relay.url).port);
	const proxy = await startFaultProxy(relayPort);
	const viaProxy = new URL(relay.url);
	viaProxy.port = String(proxy.port);
	const writer = connectClient(relay, 'petr');
	const reader = connectClient({ kind: relay.kind, url: viaProxy.toString() }, 'eva', RETRY_MS);
	const close = async () => {
		await Promise.all([writer.shutdown(), reader.shutdown()]);
		await proxy.close();
	};
	try {
		const conversation = writer.repo.create<ConversationDoc>(directChat('Night shift, line 3', 20));
		await relay.grant([{ documentId: conversation.documentId, users: ['petr', 'eva'] }]);
		await whenRelayHas(writer.repo, conversation);
		await whenJoined(reader);
		const onTablet = await reader.repo.find<ConversationDoc>(conversation.url);
		let posted = 0;
		const parties: CatchUpParties = {
			post(text, at) {
				const id = asMessageId(`shift-${++posted}`);
				conversation.change((doc) => postMessage(doc, { id, author: asUserId('petr'), at, text }));
				return id;
			},
			whenAcknowledged: (timeoutMs) => whenRelayHas(writer.repo, conversation, timeoutMs).then(() => true, () => false),
			proxy,
			disconnect: () => proxy.cut(),
			reconnect: () => proxy.heal(),
			held: () => new Set(onTablet.doc().messages.map((m) => m.id)),
			online: () => reader.repo.peers.length > 0
		};
		return { parties, close };
	} catch (error) {
		await close();
		throw error;
	}
}
