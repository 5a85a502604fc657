// Reads no UI state. Operations and selectors on a receipts document: marking a conversation read, reading the
// marks back, and who has seen a message. A count rather than a time, so a wrong tablet clock hides nothing.
// Anyone in the conversation could write any mark (the relay checks membership, not keys): marks are a courtesy,
// not evidence.
import type { MessageId, UserId } from './ids';
import { RECEIPTS_SCHEMA, type ReadMark, type ReadMarkKey, type ReceiptsDoc } from './receipts-schema';

const markKey = (userId: UserId): ReadMarkKey => `mark:${userId}`;
const MARK = /^(\d{1,9}):(\d{1,15}):([0-9A-Za-z_-]{0,64})$/;

/** Fills in what every receipts document says about itself; for a document just started on this device. */
export function startReceipts(doc: ReceiptsDoc, conversationId: string): void {
	if (doc.schema === undefined) doc.schema = RECEIPTS_SCHEMA;
	if (doc.type === undefined) doc.type = 'receipts';
	if (doc.conversation === undefined) doc.conversation = conversationId;
}

export const encodeMark = (mark: ReadMark): string => `${mark.count}:${Math.round(mark.at)}:${mark.last ?? ''}`;

/** A mark as stored, or null for anything else (a value written by a newer app, or by someone careless). */
export function decodeMark(value: unknown): ReadMark | null {
	const match = typeof value === 'string' ? MARK.exec(value) : null;
	if (!match) return null;
	return { count: Number(match[1]), at: Number(match[2]), last: (match[3] || null) as MessageId | null };
}

/** Records that this person has seen the first `mark.count` messages; never moves a mark back. False if unchanged. */
export function markSeen(doc: ReceiptsDoc, userId: UserId, mark: ReadMark): boolean {
	const current = readMark(doc, userId);
	if (current && current.count >= mark.count) return false;
	doc[markKey(userId)] = encodeMark(mark);
	return true;
}

export const readMark = (doc: Partial<ReceiptsDoc>, userId: UserId): ReadMark | null => decodeMark((doc as ReceiptsDoc)[markKey(userId)]);

/** Every readable mark, by person. */
export function readMarks(doc: Partial<ReceiptsDoc>): ReadonlyMap<UserId, ReadMark> {
	const marks = new Map<UserId, ReadMark>();
	for (const [key, value] of Object.entries(doc)) {
		if (!key.startsWith('mark:')) continue;
		const mark = decodeMark(value);
		if (mark) marks.set(key.slice(5) as UserId, mark);
	}
	return marks;
}

/** Of these people, who has seen the message at this position of the conversation's messages, and when they last read. */
export function seenBy(marks: ReadonlyMap<UserId, ReadMark>, index: number, people: readonly UserId[]): { userId: UserId; at: number }[] {
	return people.flatMap((userId) => {
		const mark = marks.get(userId);
		return mark && mark.count > index ? [{ userId, at: mark.at }] : [];
	});
}

export function isReceiptsDoc(doc: unknown): doc is ReceiptsDoc {
	return typeof doc === 'object' && doc !== null && (doc as Partial<ReceiptsDoc>).type === 'receipts';
}
