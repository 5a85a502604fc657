// localStorage that never throws out of the app: a full device (QuotaExceededError), storage blocked by the
// browser's settings, or no window at all (prerendering) each become a plain answer the caller can act on.

/** The part of the Web Storage API used here (and all a test double needs); DOM-free, so Node code can import this. */
export interface LocalStore {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

function store(): LocalStore | null {
	try {
		return (globalThis as { localStorage?: LocalStore }).localStorage ?? null;
	} catch {
		return null; // reading the property itself throws when the browser blocks site data
	}
}

export function readLocal(key: string, storage: LocalStore | null = store()): string | null {
	try {
		return storage?.getItem(key) ?? null;
	} catch {
		return null;
	}
}

/** False when the value could not be kept (the device's storage is full or blocked). */
export function writeLocal(key: string, value: string, storage: LocalStore | null = store()): boolean {
	try {
		if (!storage) return false;
		storage.setItem(key, value);
		return true;
	} catch {
		return false;
	}
}

export function removeLocal(key: string, storage: LocalStore | null = store()): void {
	try {
		storage?.removeItem(key);
	} catch {
		// Nothing to undo: the value stays until the storage works again.
	}
}
