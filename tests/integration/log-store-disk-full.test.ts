// The log store on a full disk: every append of a batch that could not be written is refused, nothing it refused
// leaves a torn record behind, and appends go through again by themselves once there is space. The store's
// directory is a 1 MiB tmpfs in a private mount namespace (helpers/tmpfs.ts, as in relay-disk-full.test.ts); the test
// fills it, and reads the store back afterwards, from outside through /proc/<pid>/root.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { afterAll, expect, it } from 'vitest';
import { openLogStore } from '../../sync-server/storage/log-store.ts';
import { tallyEntries } from '../helpers/tally-doc.ts';
import { fillDisk, inTmpfs } from '../helpers/tmpfs.ts';
import { spawnWriter, type WriterChild } from './log-store-harness.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'caseroom-log-full-'));
let writer: WriterChild | undefined;
afterAll(async () => {
	await writer?.kill();
	rmSync(dataDir, { recursive: true, force: true });
});

const acknowledged = (w: WriterChild) => [...w.acks.values()].reduce((sum, numbers) => sum + numbers.length, 0);
async function until(condition: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
	expect(condition(), what).toBe(true);
}
const untilAcknowledged = (w: WriterChild, count: number) => until(() => acknowledged(w) >= count, `${count} changes acknowledged`);

it('refuses what it could not write on a full disk, leaves no torn record, and appends again once there is space', async () => {
	const documents = ['FullDisk1xyz', 'FullDisk2xyz', 'FullDisk3xyz'];
	const plan = { directory: join(dataDir, 'automerge'), documents, base: 0, segmentBytes: 16 * 1024, compactAfterMs: 60_000, snapshotOf: true, spacingMs: 10 };
	writer = spawnWriter(plan, inTmpfs(dataDir));
	await writer.waitFor(/^ready$/);
	const outside = `/proc/${writer.process.pid}/root${dataDir}`;
	await untilAcknowledged(writer, 20);

	const fullFor = async (ms: number) => {
		fillDisk(join(outside, 'filler'));
		const failedBefore = writer!.failures.length;
		await until(() => writer!.failures.length > failedBefore, 'an append refused');
		const [acked, failed] = [acknowledged(writer!), writer!.failures.length];
		await new Promise((resolve) => setTimeout(resolve, ms));
		// A record that still fits in the last page the log file holds goes through; most cannot.
		expect(writer!.failures.length - failed).toBeGreaterThan(acknowledged(writer!) - acked);
	};
	await fullFor(1000);
	rmSync(join(outside, 'filler'));
	await untilAcknowledged(writer, acknowledged(writer) + 20);

	// Full again, and the writer stops and closes the store while it is: the refused writes must not stay behind.
	await fullFor(500);
	writer.send('stop');
	await writer.waitFor(/^stopped$/);
	writer.send('close');
	await writer.waitFor(/^closed$/);
	expect(new Set(writer.failures)).toEqual(new Set(['ENOSPC']));
	expect(writer.stderr()).toMatch(/Appending to the document log failed \(ENOSPC\); nothing of it was acknowledged/);
	expect(writer.stderr()).toMatch(/Appending to the document log works again/);

	// The same files, opened again: no record was cut (the refused writes were undone), nothing acknowledged is missing.
	const warnings: string[] = [];
	const store = await openLogStore({ directory: join(outside, 'automerge'), log: (m) => warnings.push(m) });
	try {
		expect(warnings.filter((w) => /cut \d+ bytes/.test(w))).toEqual([]);
		for (const id of documents) {
			const entries = new Set(tallyEntries(await store.load(id as DocumentId)));
			expect(writer.acks.get(id)!.filter((n) => !entries.has(n)), `document ${id}`).toEqual([]);
		}
	} finally {
		await store.close();
	}
}, 60_000);
