// Reads no UI state. Operations and selectors on a person's own document (personal-schema.ts).
import { PERSONAL_SCHEMA, type MutedKey, type PersonalDoc } from './personal-schema';

const mutedKey = (conversationId: string): MutedKey => `muted:${conversationId}`;

/** Fills in what every personal document says about itself; for a document just started on this device. */
export function startPersonal(doc: PersonalDoc): void {
	if (doc.schema === undefined) doc.schema = PERSONAL_SCHEMA;
	if (doc.type === undefined) doc.type = 'personal';
}

/** False when it already was so. */
export function setMuted(doc: PersonalDoc, conversationId: string, muted: boolean): boolean {
	if (isMuted(doc, conversationId) === muted) return false;
	doc[mutedKey(conversationId)] = muted;
	return true;
}

export const isMuted = (doc: Partial<PersonalDoc> | undefined, conversationId: string): boolean => doc?.[mutedKey(conversationId)] === true;

export function isPersonalDoc(doc: unknown): doc is PersonalDoc {
	return typeof doc === 'object' && doc !== null && (doc as Partial<PersonalDoc>).type === 'personal';
}
