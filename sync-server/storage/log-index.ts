// Where each document's records in the log are, not their bytes: three numbers per record (segment, position of
// the payload, its length), so memory grows with the number of records not yet compacted and never with their size.
// Reads no files.

export interface LogEntry {
	segment: number;
	/** Byte offset of the payload (the change bytes) in the segment file. */
	position: number;
	length: number;
}

export class LogIndex {
	/** Per document, flat triples in append order; segments never decrease along a document's list. */
	readonly #documents = new Map<string, number[]>();
	/** Per segment, how many of its records are not compacted yet: at 0 a sealed segment can go. */
	readonly #perSegment = new Map<number, number>();
	#records = 0;

	add(documentId: string, { segment, position, length }: LogEntry): void {
		let list = this.#documents.get(documentId);
		if (!list) this.#documents.set(documentId, (list = []));
		list.push(segment, position, length);
		this.#perSegment.set(segment, (this.#perSegment.get(segment) ?? 0) + 1);
		this.#records++;
	}

	has(documentId: string): boolean {
		return this.#documents.has(documentId);
	}

	/** The document's records, oldest first. */
	entries(documentId: string): LogEntry[] {
		return toEntries(this.#documents.get(documentId) ?? []);
	}

	/** The documents with at least one record in a segment up to `segment`. */
	documentsUpTo(segment: number): string[] {
		const found: string[] = [];
		for (const [documentId, list] of this.#documents) if (list[0]! <= segment) found.push(documentId);
		return found;
	}

	/** Forgets the document's records in segments up to `segment` (compacted) and returns them, oldest first. */
	removeUpTo(documentId: string, segment: number): LogEntry[] {
		const list = this.#documents.get(documentId) ?? [];
		let cut = 0;
		while (cut < list.length && list[cut]! <= segment) cut += 3;
		const removed = toEntries(list.slice(0, cut));
		for (const entry of removed) this.#perSegment.set(entry.segment, this.#perSegment.get(entry.segment)! - 1);
		this.#records -= removed.length;
		if (cut === list.length) this.#documents.delete(documentId);
		else list.splice(0, cut);
		return removed;
	}

	/** Records of this segment not compacted yet. */
	recordsIn(segment: number): number {
		return this.#perSegment.get(segment) ?? 0;
	}

	forgetSegment(segment: number): void {
		if (this.recordsIn(segment) > 0) throw new Error(`Segment ${segment} still holds records that are not compacted`);
		this.#perSegment.delete(segment);
	}

	/** The documents with records not compacted yet. */
	documentIds(): string[] {
		return [...this.#documents.keys()];
	}

	get documentCount(): number {
		return this.#documents.size;
	}

	get recordCount(): number {
		return this.#records;
	}
}

function toEntries(list: number[]): LogEntry[] {
	const entries: LogEntry[] = [];
	for (let i = 0; i < list.length; i += 3) entries.push({ segment: list[i]!, position: list[i + 1]!, length: list[i + 2]! });
	return entries;
}
