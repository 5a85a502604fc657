// Several relay nodes, as `npm start` runs each, on one PostgreSQL, one Redis and one S3 bucket, serving the built
// app: Petr on node A shares a photo, and Anna, signed in on node C, downloads it byte-identical (SHA-256: the bytes
// came from the bucket through another node than they went in by); then Anna on node B and Petr on node A hold a
// videoconference (fake camera), each seeing the other live: the PeerJS signalling between them crosses the nodes.
// Nodes B and C start after the chat exists, so they know it from the database at start. Seeing that a call runs
// (the "Call running" banner) needs the call's live presence messages to cross nodes: the node fan-out of issue 18.
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { startS3, type TestS3 } from '../helpers/s3-server.ts';
import { launchChromium, screenshot, signIn, startApp, type RunningApp } from './harness';
import { createCaseChat, download, framesAdvance, share, signedInPage, tile } from './steps';

let postgres: TestPostgres;
let redis: TestRedis;
let s3: TestS3;
let browser: Browser;
let env: Record<string, string>;
const nodes: RunningApp[] = [];
const pages: Page[] = [];

beforeAll(async () => {
	[postgres, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3()]);
	env = { DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url, ...s3.env };
	nodes.push(await startApp(env));
	browser = await launchChromium();
});
afterAll(async () => {
	await Promise.all(pages.map((p) => p.context().close().catch(() => {})));
	await browser?.close();
	for (const node of nodes) await node.stop();
	await Promise.all([postgres?.close(), redis?.close(), s3?.close()]);
});

// A 1×1 PNG, then 600 KB of noise after its end (browsers still show it): three 256 KiB chunks.
const PHOTO = Buffer.concat([
	Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
	randomBytes(600 * 1024)
]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

it('shares a file through node A that downloads byte-identical through node C, and connects a call between nodes A and B', async () => {
	const [nodeA] = nodes as [RunningApp];
	const petr = await signedInPage(browser, nodeA.url, 'petr');
	pages.push(petr);
	const chatPath = await createCaseChat(petr, 'Wire guide across nodes', ['Anna Horáková']);
	const [nodeB, nodeC] = await Promise.all([startApp(env), startApp(env)]);
	nodes.push(nodeB, nodeC);

	await share(petr, 'wire guide.png', PHOTO);
	const details = petr.getByRole('region', { name: 'Details' });
	await details.getByText('On the relay', { exact: true }).waitFor({ timeout: 30_000 });

	const anna = await signedInPage(browser, nodeC.url, 'anna');
	pages.push(anna);
	await anna.goto(`${nodeC.url}${chatPath}`);
	await anna.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Open file wire guide.png' }).click({ timeout: 20_000 });
	await anna.getByRole('dialog', { name: 'wire guide.png' }).getByRole('img', { name: 'wire guide.png' }).waitFor({ timeout: 20_000 });
	expect(sha256(await download(anna, 'wire guide.png'))).toBe(sha256(PHOTO));

	// Anna, now through node B, and Petr, through node A, in one call.
	await signIn(anna, nodeB.url, 'anna');
	await anna.getByRole('status').getByText('Online', { exact: true }).waitFor();
	await anna.goto(`${nodeB.url}${chatPath}`);
	await petr.getByRole('button', { name: 'Videoconference' }).click();
	await tile(petr, 'Petr Novák (you)').waitFor();
	// Needs the presence messages to cross nodes (the fan-out of live messages between nodes).
	await anna.getByRole('status').filter({ hasText: 'Call running: Petr Novák' }).getByRole('button', { name: 'Join' }).click({ timeout: 15_000 });
	await framesAdvance(anna, 'Petr Novák');
	await framesAdvance(petr, 'Anna Horáková');
	await screenshot(anna, 'call-across-nodes-tablet');
}, 180_000);
