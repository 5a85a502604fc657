import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Repo, type DocumentId } from '@automerge/automerge-repo';
import { runStorageAdapterTests } from '@automerge/automerge-repo/helpers/tests/storage-adapter-tests.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableFsStorageAdapter } from './fs-chunks.ts';

const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'caseroom-storage-'));
	dirs.push(dir);
	return dir;
};
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DurableFsStorageAdapter', () => {
	runStorageAdapterTests(async () => {
		const dir = tempDir();
		return { adapter: new DurableFsStorageAdapter(dir), teardown: () => rmSync(dir, { recursive: true, force: true }) };
	}, 'DurableFsStorageAdapter');

	it('writes through a temporary file, so a write cut short leaves only a stray temp file that loading ignores', async () => {
		const dir = tempDir();
		// Each Repo writes its storage id in the background; closing the adapter waits for it before the directory goes.
		const firstStorage = new DurableFsStorageAdapter(dir);
		const first = new Repo({ storage: firstStorage });
		const handle = first.create({ text: 'kept' });
		await first.flush();
		const documentId = handle.documentId;
		const snapshotDir = join(dir, documentId.slice(0, 2), documentId.slice(2), 'snapshot');
		const [chunk] = readdirSync(snapshotDir);
		// What kill -9 in the middle of a save leaves behind: half a chunk under a temporary name.
		writeFileSync(join(snapshotDir, `${chunk}.tmp-deadbeef`), new Uint8Array([0x85, 0x6f, 0x4a]));
		await first.shutdown();
		await firstStorage.close();

		const secondStorage = new DurableFsStorageAdapter(dir);
		const second = new Repo({ storage: secondStorage });
		const again = await second.find<{ text: string }>(documentId as DocumentId);
		expect(again.doc().text).toBe('kept');
		await second.shutdown();
		await secondStorage.close();
	});

	it('refuses keys that could leave its directory', async () => {
		const dir = tempDir();
		const adapter = new DurableFsStorageAdapter(join(dir, 'automerge'));
		for (const key of [['../../etc', 'x'], ['AAAAA', '..'], ['AAAAA', 'a/b'], ['AAAAA', '']]) {
			await expect(adapter.save(key, new Uint8Array([1]))).rejects.toThrow(/storage key/);
		}
		expect(readdirSync(dirname(join(dir, 'automerge')))).toEqual([]);
	});

	it('finishes the writes already started before close() resolves, so removing DATA_DIR after a stop is safe', async () => {
		const dir = tempDir();
		const adapter = new DurableFsStorageAdapter(join(dir, 'automerge'));
		let settled = 0;
		for (let i = 0; i < 20; i++) void adapter.save(['AAAAA', 'incremental', `h${i}`], new Uint8Array(64 * 1024)).finally(() => settled++);
		await adapter.close();
		expect(settled).toBe(20);
		rmSync(dir, { recursive: true, force: true });
		await expect(adapter.save(['AAAAA', 'incremental', 'late'], new Uint8Array([1]))).resolves.toBeUndefined();
	});
});
