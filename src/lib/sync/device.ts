// What the app knows of this person's storage on this device: opened in the browser by device-storage.ts, carried by
// the ClientRepo to the parts that report on it. Kept apart from the IndexedDB code so Node code can name the type.
import type { Eviction, DeviceLedger } from './device-ledger';
import type { GuardedStorage } from './guarded-storage';

export interface DeviceStorage {
	readonly storage: GuardedStorage;
	readonly ledger: DeviceLedger;
	/** What the browser cleared since the last visit; null when nothing is missing. */
	readonly eviction: Eviction | null;
}
