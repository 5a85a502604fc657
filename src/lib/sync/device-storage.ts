// This person's storage on this device, opened for the Repo: their IndexedDB database behind a guard that survives
// refused writes, and the ledger (in localStorage) that tells whether the browser cleared the database since the
// last visit.
import type { DeviceStorage } from './device';
import { DeviceLedger } from './device-ledger';
import { GuardedStorage } from './guarded-storage';
import { IndexedDBStorage } from './indexeddb-storage';

/** One database per person, so two people sharing a tablet never see each other's documents. */
export const databaseNameFor = (userId: string) => `caseroom-${userId}`;

/** Rejects when the database cannot be opened at all (private mode, blocked site data): the UI says so. */
export async function openDeviceStorage(userId: string, options: { retryMs?: number } = {}): Promise<DeviceStorage> {
	let closed = (): void => {};
	const base = new IndexedDBStorage(databaseNameFor(userId), { onClosed: () => closed() });
	const present = await base.documentIds();
	const ledger = new DeviceLedger(userId);
	const eviction = ledger.reconcile(present);
	const storage = new GuardedStorage(base, {
		retryMs: options.retryMs,
		onStored: (id) => ledger.markHeld(id),
		onRemoved: (id) => ledger.forget(id)
	});
	closed = () => storage.storageClosed('the browser closed this device’s database');
	return { storage, ledger, eviction };
}
