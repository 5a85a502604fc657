// Real clients on a bad network: four Node clients (the app's Repo on NodeFS storage) and the app itself in Chromium
// talk in one Service case chat, each through its own fault proxy with delay, jitter, bandwidth caps, stalls and
// resets (of new connections at random moments, and of live ones now and then), plus whole-network cuts. Then the faults stop (the delay stays): how long until everyone holds
// everything, and did anything written go missing?
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAs } from '../bench/lib/browser.ts';
import { DEFAULT_BACKOFF } from '../src/lib/sync/backoff.ts';
import { World, type WorldClient } from '../tests/helpers/convergence/world.ts';
import { startFaultProxy, type FaultCounts, type FaultProfile, type FaultProxy } from '../tests/helpers/fault-proxy.ts';
import { prng } from '../tests/helpers/prng.ts';

export const BAD_LINK: FaultProfile = {
	up: { delayMs: 80, jitterMs: 120, bytesPerSecond: 64 * 1024 },
	down: { delayMs: 80, jitterMs: 120, bytesPerSecond: 128 * 1024 },
	stallRate: 0.1,
	resetRate: 0.1,
	faultWithinMs: 20_000
};
/** After the faults: still a slow network, but nothing breaks any more. */
const CALM_LINK: FaultProfile = { up: { delayMs: 80, jitterMs: 120 }, down: { delayMs: 80, jitterMs: 120 } };

export interface BadNetworkResult {
	ok: boolean;
	failure?: string;
	durationMs: number;
	link: FaultProfile;
	nodeClients: number;
	browsers: number;
	messages: { node: number; browser: number; nodeAcknowledged: number };
	/** Network cuts of a whole link for a few seconds (on top of the proxies' own faults). */
	cuts: number;
	faults: Pick<FaultCounts, 'connections' | 'stalls' | 'resets' | 'cuts' | 'refused'> & { bytesUp: number; bytesDown: number };
	/** From the faults stopping to every Node client holding identical documents with every message, and the browser showing the last one. */
	convergeMs: number | null;
	lost: { node: number; browser: number };
}

const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });

export async function badNetwork(options: { seed: number; durationMs: number; settleTimeoutMs?: number; log: (line: string) => void }): Promise<BadNetworkResult> {
	const { seed, log } = options;
	const started = Date.now();
	const random = prng(seed);
	const world = new World(seed, {}, DEFAULT_BACKOFF);
	let browser: Browser | undefined;
	let browserLink: FaultProxy | undefined;
	const nodeWritten: { id: string; client: WorldClient; heads: ReturnType<WorldClient['conversation']['heads']>; acknowledged: boolean }[] = [];
	const browserWritten: string[] = [];
	let cuts = 0;
	let failure: string | undefined;
	let convergeMs: number | null = null;
	let lost = { node: 0, browser: 0 };
	const pendingHeals = new Set<ReturnType<typeof setTimeout>>();
	try {
		await world.start(4);
		browserLink = await startFaultProxy(world.relayPort, { seed: seed + 1000 });
		browser = await launchBrowser();
		const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })).newPage();
		const origin = `http://127.0.0.1:${browserLink.port}`;
		await signInAs(page, origin, 'eva');
		await page.goto(`${origin}/conferencing/${world.clients[0]!.conversation.documentId}`);
		await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 30_000 });
		log('bad network: 4 Node clients and Chromium (Eva) in the case chat; faults on');

		const links = [...world.clients.map((c) => c.proxy), browserLink];
		for (const link of links) link.setProfile(BAD_LINK);
		const ends = started + options.durationMs;
		let tick = 0;
		while (Date.now() < ends) {
			tick++;
			const c = random.pick(world.clients);
			nodeWritten.push({ ...world.post(c, `Reading ${tick} from ${c.user}: spindle at ${random.int(800, 12_000)} rpm`), client: c, acknowledged: false });
			if (random.chance(0.3)) {
				const text = `Browser note ${tick} (seed ${seed})`;
				const field = page.getByRole('textbox', { name: 'Message' });
				try {
					await field.fill(text, { timeout: 5000 });
					await field.press('Enter', { timeout: 5000 });
					// Sent once the field is empty again: the message is in the app's document.
					const sentBy = Date.now() + 5000;
					while ((await field.inputValue()) !== '') {
						if (Date.now() > sentBy) throw new Error('the Message field still holds the text');
						await new Promise((r) => setTimeout(r, 50));
					}
					browserWritten.push(text);
				} catch (error) {
					log(`bad network: the browser could not send "${text}": ${String(error).split('\n')[0]}`);
				}
			}
			// Live connections get their share too: the profile's rates only strike new ones.
			if (random.chance(0.04)) random.pick(links).resetAll();
			if (random.chance(0.03)) random.pick(links).stallAll();
			if (random.chance(0.03)) {
				const link = random.pick(links);
				link.cut();
				cuts++;
				const heal = setTimeout(() => {
					pendingHeals.delete(heal);
					link.heal();
				}, random.int(2000, 10_000));
				pendingHeals.add(heal);
			}
			for (const w of nodeWritten) if (!w.acknowledged && w.client.repo.delivery.hasReachedRelay(w.client.conversation, w.heads)) w.acknowledged = true;
			await new Promise((r) => setTimeout(r, random.int(300, 1500)));
		}

		// The faults stop; the network stays slow. One last message from a Node client, which the browser must show.
		for (const heal of pendingHeals) clearTimeout(heal);
		for (const link of links) {
			link.setProfile(CALM_LINK);
			link.heal();
		}
		const healed = Date.now();
		const last = world.post(world.clients[0]!, `Last reading (seed ${seed})`);
		nodeWritten.push({ ...last, client: world.clients[0]!, acknowledged: false });
		const deadline = healed + (options.settleTimeoutMs ?? 180_000);
		const texts = (c: WorldClient) => new Set(c.conversation.doc().messages.map((m) => (m.kind === 'text' ? m.text : '')));
		const missing = () => {
			const heads = world.clients.map((c) => [...c.conversation.heads()].sort().join());
			if (new Set(heads).size > 1) return 'heads differ';
			for (const c of world.clients) {
				const ids = world.messageIds(c);
				const has = texts(c);
				const node = nodeWritten.filter((w) => !ids.has(w.id)).length;
				const fromBrowser = browserWritten.filter((t) => !has.has(t)).length;
				if (node || fromBrowser) return `${c.user} misses ${node} Node and ${fromBrowser} browser message(s)`;
			}
			return null;
		};
		let why = missing();
		while (why && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 100));
			why = missing();
		}
		if (why) {
			lost = {
				node: nodeWritten.filter((w) => world.clients.some((c) => !world.messageIds(c).has(w.id))).length,
				browser: browserWritten.filter((t) => world.clients.some((c) => !texts(c).has(t))).length
			};
			throw new Error(`no convergence ${(deadline - healed) / 1000} s after the faults stopped: ${why}`);
		}
		await messages(page).getByText(`Last reading (seed ${seed})`).waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
		if (browserWritten.length) {
			const mine = messages(page).getByRole('article').filter({ hasText: browserWritten.at(-1)! });
			await mine.getByText('Reached the relay').waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
		}
		convergeMs = Date.now() - healed;
		for (const w of nodeWritten) if (!w.acknowledged && w.client.repo.delivery.hasReachedRelay(w.client.conversation, w.heads)) w.acknowledged = true;
	} catch (error) {
		failure = `SEED=${seed} bad network: ${error instanceof Error ? error.message : String(error)}`;
		log(failure);
	} finally {
		for (const heal of pendingHeals) clearTimeout(heal);
		await browser?.close().catch(() => {});
		await browserLink?.close();
	}
	const counts = [...world.clients.map((c) => c.proxy.counts()), ...(browserLink ? [browserLink.counts()] : [])];
	const sum = (k: keyof FaultCounts) => counts.reduce((n, c) => n + c[k], 0);
	await world.close().catch(() => {});
	return {
		ok: !failure,
		failure,
		durationMs: Date.now() - started,
		link: BAD_LINK,
		nodeClients: 4,
		browsers: 1,
		messages: { node: nodeWritten.length, browser: browserWritten.length, nodeAcknowledged: nodeWritten.filter((w) => w.acknowledged).length },
		cuts,
		faults: { connections: sum('connections'), stalls: sum('stalls'), resets: sum('resets'), cuts: sum('cuts'), refused: sum('refused'), bytesUp: sum('bytesUp'), bytesDown: sum('bytesDown') },
		convergeMs,
		lost
	};
}
