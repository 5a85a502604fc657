// A document for storage tests: each change pushes the next number onto a list, so a copy loaded back from storage
// shows exactly which changes it holds. What it hands to the store is what the relay's engine hands it: every
// change made since the last append that was acknowledged (so a rejected one is sent again with the next).
import { randomBytes } from 'node:crypto';
import * as A from '@automerge/automerge';

// A type, not an interface: Automerge's `from` wants a record.
type TallyDoc = {
	entries: number[];
	padding?: string;
};

export class Tally {
	#doc: A.Doc<TallyDoc>;
	#durableHeads: A.Heads = [];

	private constructor(doc: A.Doc<TallyDoc>, durableHeads: A.Heads) {
		this.#doc = doc;
		this.#durableHeads = durableHeads;
	}

	/** `paddingBytes` of incompressible text make the document that large from its first change. */
	static create(paddingBytes = 0): Tally {
		const padding = randomBytes(Math.ceil(paddingBytes * 0.75)).toString('base64');
		return new Tally(A.from<TallyDoc>(paddingBytes > 0 ? { entries: [], padding } : { entries: [] }), []);
	}

	/** A tally continued from what a store holds: all of it is durable already. */
	static load(chunks: Uint8Array[]): Tally {
		const doc = loadChunks(chunks);
		return new Tally(doc, A.getHeads(doc));
	}

	get entries(): number[] {
		return [...this.#doc.entries];
	}

	/** Pushes `n`; returns what to append (every change not yet acknowledged) and the heads it reaches. */
	push(n: number): { bytes: Uint8Array; heads: A.Heads } {
		this.#doc = A.change(this.#doc, (d) => void d.entries.push(n));
		return { bytes: A.saveSince(this.#doc, this.#durableHeads), heads: A.getHeads(this.#doc) };
	}

	acknowledged(heads: A.Heads): void {
		this.#durableHeads = heads;
	}

	save(): Uint8Array {
		return A.save(this.#doc);
	}
}

/** Every chunk fed to one document at once, as automerge-repo does; throws if a chunk does not load. */
function loadChunks(chunks: Uint8Array[]): A.Doc<TallyDoc> {
	return A.loadIncremental(A.init<TallyDoc>(), Buffer.concat(chunks));
}

/** The numbers a stored tally holds, in list order. */
export function tallyEntries(chunks: Uint8Array[] | undefined): number[] {
	return chunks ? [...(loadChunks(chunks).entries ?? [])] : [];
}
