// What this device's IndexedDB held, remembered outside it (localStorage), so the app can tell when the browser (or
// the person) cleared the database: which documents it held, and how many of the person's own messages in each had
// not reached the relay yet — those, and only those, are gone with the database.
import { readLocal, writeLocal, type LocalStore } from '../safe-local-storage';

/** What the last reconcile found missing. */
export interface Eviction {
	/** Documents the device held that its database no longer has. */
	lost: string[];
	/** The person's own messages in them that had not reached the relay. */
	unsentLost: number;
}

/** documentId → the person's messages in it not on the relay yet. */
export type HeldDocuments = Record<string, number>;

const keyFor = (userId: string) => `caseroom.device.${userId}`;

/** Reads no UI state. What is missing from `present` of what `held` says the device had; null when nothing is. */
export function findLost(held: HeldDocuments, present: ReadonlySet<string>): Eviction | null {
	const lost = Object.keys(held).filter((id) => !present.has(id));
	if (lost.length === 0) return null;
	return { lost, unsentLost: lost.reduce((sum, id) => sum + (held[id] ?? 0), 0) };
}

export class DeviceLedger {
	readonly #key: string;
	readonly #storage: LocalStore | null | undefined;
	#held: HeldDocuments;

	/** `storage` undefined: the page's localStorage. */
	constructor(userId: string, storage?: LocalStore | null) {
		this.#key = keyFor(userId);
		this.#storage = storage;
		this.#held = parse(readLocal(this.#key, storage));
	}

	get held(): Readonly<HeldDocuments> {
		return this.#held;
	}

	/**
	 * Compares the record with the documents the database holds now (`present`), reports what went missing, and
	 * records the database as it is, so each loss is reported once.
	 */
	reconcile(present: ReadonlySet<string>): Eviction | null {
		const eviction = findLost(this.#held, present);
		const held: HeldDocuments = {};
		for (const id of present) held[id] = this.#held[id] ?? 0;
		this.#held = held;
		this.#save();
		return eviction;
	}

	markHeld(documentId: string): void {
		if (documentId in this.#held) return;
		this.#held = { ...this.#held, [documentId]: 0 };
		this.#save();
	}

	/** Only documents the device holds count: a message never written to it is not lost with it. */
	setUnsent(documentId: string, count: number): void {
		if (!(documentId in this.#held) || this.#held[documentId] === count) return;
		this.#held = { ...this.#held, [documentId]: count };
		this.#save();
	}

	forget(documentId: string): void {
		if (!(documentId in this.#held)) return;
		const { [documentId]: _gone, ...rest } = this.#held;
		this.#held = rest;
		this.#save();
	}

	#save() {
		// A full localStorage costs only the next eviction's detail, never a message.
		writeLocal(this.#key, JSON.stringify(this.#held), this.#storage);
	}
}

function parse(text: string | null): HeldDocuments {
	try {
		const value: unknown = JSON.parse(text ?? '{}');
		if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
		return Object.fromEntries(
			Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isInteger(e[1]) && e[1] >= 0)
		);
	} catch {
		return {};
	}
}
