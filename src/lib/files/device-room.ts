// Whether a file fits on this device before any byte is written, and what a full device looks like mid-write.
// The browser's estimate is per origin (quota minus what this app already uses).

/** The device cannot take a file: how many bytes it needs, and how many are free. */
export class DeviceFull extends Error {
	constructor(
		readonly needed: number,
		readonly free: number,
		/** True when the estimate said it fits but the device filled up while writing. */
		readonly midWrite = false
	) {
		super(midWrite ? `The device filled up while keeping the file (${needed} bytes needed).` : `The file needs ${needed} bytes; ${free} are free.`);
	}
}

type Estimate = () => Promise<StorageEstimate>;

const browserEstimate: Estimate | undefined = typeof navigator !== 'undefined' && navigator.storage?.estimate ? () => navigator.storage.estimate() : undefined;

/** Throws DeviceFull when `bytes` would not fit; without an estimate (an old browser) it lets the write find out. */
export async function checkRoom(bytes: number, estimate: Estimate | undefined = browserEstimate): Promise<void> {
	if (!estimate) return;
	const { quota, usage } = await estimate();
	if (quota === undefined || usage === undefined) return;
	const free = Math.max(0, quota - usage);
	// IndexedDB keeps some bookkeeping per record; 1 % plus a little covers it.
	const needed = Math.ceil(bytes * 1.01) + 64 * 1024;
	if (needed > free) throw new DeviceFull(needed, free);
}

/** IndexedDB's way of saying the device (or the origin's quota) is full. */
export function isQuotaError(err: unknown): boolean {
	return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'QuotaExceededError';
}
