import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { checkRoom, DeviceFull, isQuotaError } from './device-room';
import { openUploadQueue } from './upload-queue';

const estimate = (quota: number, usage: number) => async () => ({ quota, usage });

describe('room on the device', () => {
	it('lets a file through that fits, and refuses one that does not, saying how much is needed and free', async () => {
		await expect(checkRoom(1_000_000, estimate(10_000_000, 2_000_000))).resolves.toBeUndefined();
		const refused = await checkRoom(9_000_000, estimate(10_000_000, 2_000_000)).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(DeviceFull);
		expect((refused as DeviceFull).free).toBe(8_000_000);
		expect((refused as DeviceFull).needed).toBeGreaterThanOrEqual(9_000_000);
		// No estimate (an old browser): the write itself finds out.
		await expect(checkRoom(9_000_000, undefined)).resolves.toBeUndefined();
	});

	it('knows IndexedDB’s quota error by name', () => {
		expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
		expect(isQuotaError(new Error('other'))).toBe(false);
	});
});

describe('upload queue', () => {
	it('keeps queued uploads in order across reopening, and forgets sent ones', async () => {
		const first = await openUploadQueue('queue-test');
		await first.add({ conversationId: 'c1', sha256: 'b'.repeat(64), name: 'b.txt', queuedAt: 2 });
		await first.add({ conversationId: 'c1', sha256: 'a'.repeat(64), name: 'a.txt', queuedAt: 1 });
		await first.add({ conversationId: 'c2', sha256: 'a'.repeat(64), name: 'a.txt', queuedAt: 3 });
		const again = await openUploadQueue('queue-test');
		expect((await again.list()).map((u) => `${u.conversationId}/${u.name}`)).toEqual(['c1/a.txt', 'c1/b.txt', 'c2/a.txt']);
		await again.remove('c1', 'a'.repeat(64));
		expect((await again.list()).map((u) => `${u.conversationId}/${u.name}`)).toEqual(['c1/b.txt', 'c2/a.txt']);
	});
});
