// Catching up with the other relay nodes (the directory in PostgreSQL), shared by whoever asks at the same moment: a
// token newer than the directory here (auth/token-check.ts), a notice from another node (directory-fanout.ts).
// Reads no I/O itself.

/**
 * `run`, shared by its callers: every call until the next run starts joins it; that run starts once the previous one
 * ended (it may have read before what they wait for was committed) and the I/O of this turn of the event loop was
 * handled, so callers arriving together share one.
 */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
	let previous: Promise<unknown> = Promise.resolve();
	let next: Promise<void> | undefined;
	return () => {
		if (next) return next;
		const mine = previous.then(afterIo).then(() => {
			next = undefined;
			return run();
		});
		previous = mine.catch(() => {});
		return (next = mine);
	};
}

const afterIo = () => new Promise<void>((resolve) => setImmediate(resolve));
