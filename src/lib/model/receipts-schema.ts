// Reads no UI state. Types only: a conversation's receipts document, how far each member has read. It is a document
// of its own, not part of the conversation's (whose history would grow with every read), with an id derived from the
// conversation's (derived-ids.ts). Every key is flat and every value a scalar: two devices that start it at the same
// moment, or mark while apart, merge without losing anyone's mark (a map created on each would keep only one).
//   1: the first version.
import type { MessageId } from './ids';

export const RECEIPTS_SCHEMA = 1;

/** One key per person: `mark:<userId>`, its value an encoded ReadMark (receipts.ts). */
export type ReadMarkKey = `mark:${string}`;

export interface ReceiptsDoc {
	schema: number;
	type: 'receipts';
	/** The conversation's document id. */
	conversation: string;
	[key: ReadMarkKey]: string;
}

/** How far a person has read: on all their devices, since it is theirs, not a device's. */
export interface ReadMark {
	/** How many of the conversation's messages (in document order, the same on every device) they have seen. */
	count: number;
	/** When they last read, from their device's clock. */
	at: number;
	/** The last message they saw, for tools that want it (the count is what the app uses). */
	last: MessageId | null;
}
