// Acknowledged means durable: each peer's outgoing messages leave in order, and a sync message (which tells the
// client the relay's heads) waits until its document is on disk. Messages that need no wait go out at once.

/** The part of a message the outbox looks at. */
export interface OutboxMessage {
	type: string;
	targetId: string;
	documentId?: string;
}

export interface OutboxOptions<M extends OutboxMessage, C> {
	/** Resolves once everything the relay holds of this document is saved; without it nothing waits. */
	persisted?: (documentId: string) => Promise<void>;
	/** Puts the message on the wire of the connection it was queued for (a closed one drops it). */
	deliver: (connection: C, message: M) => void;
	/** Saving failed: the message cannot be acknowledged; the caller drops the connection so sync restarts. */
	failed: (connection: C, error: unknown) => void;
}

export function createOutbox<M extends OutboxMessage, C>(options: OutboxOptions<M, C>) {
	const tails = new Map<C, Promise<void>>();
	return {
		push(connection: C, message: M): void {
			const tail = tails.get(connection);
			const wait = options.persisted && message.type === 'sync' && message.documentId ? options.persisted(message.documentId) : undefined;
			if (!tail && !wait) return options.deliver(connection, message);
			// Never rejects, so a failed save cannot stall the peer's later messages (its connection is dropped anyway).
			const next = Promise.all([tail, wait]).then(
				() => options.deliver(connection, message),
				(error: unknown) => options.failed(connection, error)
			);
			tails.set(connection, next);
			void next.then(() => {
				if (tails.get(connection) === next) tails.delete(connection);
			});
		}
	};
}

/**
 * Wraps a save so that callers share saves: a call resolves after a save that started after it, and every call
 * made while a save runs joins the one next save. The first save waits a microtask, so a sync message emitted
 * inside a DocHandle update is saved with that update applied.
 */
export function coalesceSaves(save: (documentId: string) => Promise<void>): (documentId: string) => Promise<void> {
	const running = new Map<string, Promise<void>>();
	const queued = new Map<string, Promise<void>>();
	const run = (documentId: string) => {
		queued.delete(documentId);
		const saving = save(documentId);
		running.set(documentId, saving);
		const done = () => {
			if (running.get(documentId) === saving) running.delete(documentId);
		};
		saving.then(done, done);
		return saving;
	};
	return (documentId) => {
		const pending = queued.get(documentId);
		if (pending) return pending;
		const before = running.get(documentId) ?? Promise.resolve();
		const next = before.then(
			() => run(documentId),
			() => run(documentId)
		);
		queued.set(documentId, next);
		return next;
	};
}
