import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestPersistentStorage } from './persistent-storage';

afterEach(() => vi.unstubAllGlobals());

const withStorage = (storage: unknown) => vi.stubGlobal('navigator', { storage });

describe('requestPersistentStorage', () => {
	it('asks the browser and reports its answer', async () => {
		const persist = vi.fn(async () => true);
		withStorage({ persisted: async () => false, persist });
		await expect(requestPersistentStorage()).resolves.toBe(true);
		expect(persist).toHaveBeenCalledOnce();
	});

	it('does not ask again once storage is persistent', async () => {
		const persist = vi.fn(async () => true);
		withStorage({ persisted: async () => true, persist });
		await expect(requestPersistentStorage()).resolves.toBe(true);
		expect(persist).not.toHaveBeenCalled();
	});

	it('says false, never throws, when the browser refuses, fails or has no Storage API', async () => {
		withStorage({ persisted: async () => false, persist: async () => false });
		await expect(requestPersistentStorage()).resolves.toBe(false);
		withStorage({ persist: () => Promise.reject(new Error('SecurityError')) });
		await expect(requestPersistentStorage()).resolves.toBe(false);
		withStorage(undefined);
		await expect(requestPersistentStorage()).resolves.toBe(false);
	});
});
