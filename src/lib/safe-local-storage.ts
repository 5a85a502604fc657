// localStorage that never throws out of the app: a full device (QuotaExceededError), storage blocked by the
// browser's settings, or no window at all (prerendering) each become a plain answer the caller can act on.

function store(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null; // reading the property itself throws when the browser blocks site data
	}
}

export function readLocal(key: string, storage: Storage | null = store()): string | null {
	try {
		return storage?.getItem(key) ?? null;
	} catch {
		return null;
	}
}

/** False when the value could not be kept (the device's storage is full or blocked). */
export function writeLocal(key: string, value: string, storage: Storage | null = store()): boolean {
	try {
		if (!storage) return false;
		storage.setItem(key, value);
		return true;
	} catch {
		return false;
	}
}

export function removeLocal(key: string, storage: Storage | null = store()): void {
	try {
		storage?.removeItem(key);
	} catch {
		// Nothing to undo: the value stays until the storage works again.
	}
}
