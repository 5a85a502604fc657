// Memory under churn: what a relay keeps of work nobody comes back to. 2,000 conversations are each written by one
// member (ten messages, one postMessage change each) and read once by the other, then left idle; then 1,000 page
// loads, each a new peer id, open a member's three conversations and leave. The figure is the relay's RSS growth over
// that work, read from /proc once the idle period in which our engine unloads documents nobody has open
// (SYNC_IDLE_UNLOAD_SECONDS) is over; baseline: the stock relay after the same work and the same wait.
// Goal (issue 15): ≤ ¼ of the stock relay's growth.
import type { AutomergeUrl } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../src/lib/model/conversation-schema.ts';
import { directChat, postEach, textMessages } from './lib/conversations.ts';
import { figure, noGoal, ratioAtMost, type BenchGroup } from './lib/figure.ts';
import { rssMb } from './lib/proc.ts';
import { whenRelayHas } from './lib/relay-holds.ts';
import { connectClient, startRelay, whenJoined, type BenchRelay, type RelayKind } from './lib/relays.ts';
import { sleep } from './lib/stats.ts';

/** Our engine's default is 60 s; the bench passes a shorter one unless SYNC_IDLE_UNLOAD_SECONDS is set. */
const IDLE_SECONDS = Number(process.env.SYNC_IDLE_UNLOAD_SECONDS ?? 10);
const IDLE_MS = IDLE_SECONDS * 1000;
/** Past the idle period: "leaves memory within" it, plus a margin for a sweep that runs on a timer. */
const IDLE_WAIT_MS = IDLE_MS + 5000;
/** Conversations written by one writer device. */
const BATCH = 100;
const MESSAGES = 10;
/** Conversations written before RSS is first read, so V8's tier-up of the Automerge wasm is not counted as growth. */
const WARMUP = 20;
/** Page loads under way at once. */
const LOADS_AT_ONCE = 10;

interface ChurnShape {
	conversations: number;
	pageLoads: number;
}

interface ChurnResult {
	/** RSS before the work, MB. */
	before: number;
	/** Right after the last client left. */
	afterWork: number;
	/** After the idle wait. */
	afterIdle: number;
}

export const churn: BenchGroup = {
	name: 'Memory under churn',
	async run({ quick, log }) {
		const shape: ChurnShape = { conversations: quick ? 200 : 2000, pageLoads: quick ? 100 : 1000 };
		const stock = await churnOn('stock', shape, log);
		const ours = await churnOn('caseroom', shape, log);
		const grown = (r: ChurnResult, at: number) => at - r.before;
		const prefix = `memory under churn (${shape.conversations} conversations written and read once, ${shape.pageLoads} page loads of three)`;
		const idle = `${IDLE_SECONDS} s`;
		return [
			figure(`${prefix}: relay RSS growth, ${idle} idle after`, grown(ours, ours.afterIdle), 'MB', grown(stock, stock.afterIdle), ratioAtMost(0.25), `RSS ${IDLE_WAIT_MS / 1000} s after the last client left (SYNC_IDLE_UNLOAD_SECONDS=${IDLE_SECONDS}) minus RSS before the work`),
			figure(`${prefix}: relay RSS growth as the last client leaves`, grown(ours, ours.afterWork), 'MB', grown(stock, stock.afterWork), noGoal),
			figure(`${prefix}: relay RSS, ${idle} idle after`, ours.afterIdle, 'MB', stock.afterIdle, noGoal)
		];
	}
};

async function churnOn(kind: RelayKind, shape: ChurnShape, log: (m: string) => void): Promise<ChurnResult> {
	const relay = await startRelay(kind, { SYNC_IDLE_UNLOAD_SECONDS: String(IDLE_SECONDS) });
	try {
		await writeAndRead(relay, 'warm', WARMUP);
		await sleep(2000);
		const before = rssMb(relay.pid);
		const members: Member[] = [];
		for (let b = 0; b * BATCH < shape.conversations; b++) members.push(...(await writeAndRead(relay, `b${b}`, Math.min(BATCH, shape.conversations - b * BATCH))));
		log(`${kind}: ${shape.conversations} conversations written and read, RSS ${rssMb(relay.pid).toFixed(0)} MB (${before.toFixed(0)} MB before)`);
		await inTurn(shape.pageLoads, (i) => pageLoad(relay, members[i % members.length]!));
		const afterWork = rssMb(relay.pid);
		log(`${kind}: ${shape.pageLoads} page loads, RSS ${afterWork.toFixed(0)} MB${await inMemory(relay)}; idle for ${IDLE_WAIT_MS / 1000} s…`);
		await sleep(IDLE_WAIT_MS);
		const afterIdle = rssMb(relay.pid);
		log(`${kind}: RSS ${afterIdle.toFixed(0)} MB after the idle wait${await inMemory(relay)}`);
		return { before, afterWork, afterIdle };
	} finally {
		await relay.stop();
	}
}

/** What our engine says it holds, for the log: whether the RSS figure is documents kept or memory not returned. */
async function inMemory(relay: BenchRelay): Promise<string> {
	const stats = await relay.stats();
	return stats ? `, ${JSON.stringify(stats)}` : '';
}

/** A reader and the three conversations of theirs a page load opens (theirs alone: see writeAndRead). */
interface Member {
	user: string;
	urls: AutomergeUrl[];
}

/**
 * One writer device creates `count` conversations, each shared with one reader; once the relay holds them, every
 * reader reads theirs on one device and leaves. A reader has three conversations: today's relay sends a new device
 * every document its user asked about before, unasked (issue 15), and a page load would then sync all of them.
 */
async function writeAndRead(relay: BenchRelay, tag: string, count: number): Promise<Member[]> {
	const writerUser = `w-${tag}`;
	const writer = connectClient(relay, writerUser);
	try {
		const handles = Array.from({ length: count }, (_, i) => {
			const handle = writer.repo.create<ConversationDoc>(directChat(`Conversation ${tag}.${i}`, 0));
			postEach(handle, textMessages(MESSAGES));
			return handle;
		});
		const readerOf = (i: number) => `r-${tag}-${Math.floor(i / 3)}`;
		await relay.grant(handles.map((h, i) => ({ documentId: h.documentId, users: [writerUser, readerOf(i)] })));
		for (const handle of handles) await whenRelayHas(writer.repo, handle);
		const members: Member[] = [];
		for (let i = 0; i < count; i += 3) members.push({ user: readerOf(i), urls: handles.slice(i, i + 3).map((h) => h.url) });
		await inTurn(members.length, (m) => pageLoad(relay, members[m]!));
		return members;
	} finally {
		await writer.shutdown();
	}
}

/** A page load: a new client (a new peer id) of this member opens their conversations, then leaves. */
async function pageLoad(relay: BenchRelay, member: Member): Promise<void> {
	const page = connectClient(relay, member.user);
	try {
		await whenJoined(page);
		await Promise.all(member.urls.map((url) => page.repo.find(url)));
	} finally {
		await page.shutdown();
	}
}

/** Runs task(0 … count-1), LOADS_AT_ONCE at a time. */
async function inTurn(count: number, task: (i: number) => Promise<void>): Promise<void> {
	for (let first = 0; first < count; first += LOADS_AT_ONCE) {
		await Promise.all(Array.from({ length: Math.min(LOADS_AT_ONCE, count - first) }, (_, k) => task(first + k)));
	}
}
