// Asks the browser not to evict this origin's storage (the IndexedDB documents and files a technician worked on
// offline) when the device runs low on space. Chromium decides silently, Firefox may ask the person once, Safari
// may say no: the app works either way, so this only reports the answer and never throws.
export async function requestPersistentStorage(): Promise<boolean> {
	try {
		const storage = globalThis.navigator?.storage;
		if (!storage?.persist) return false;
		// Asking again when it is already granted would be harmless, but asking at all may show Firefox's prompt.
		return (await storage.persisted?.()) || (await storage.persist());
	} catch {
		return false;
	}
}
