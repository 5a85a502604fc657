// Reads no UI state. Types only: a person's own document, private settings that follow them to every device (today:
// which conversations they muted). One per person, readable and writable by that person alone; its id comes with the
// sign-in (the relay derives it from the user id and its secret key). Flat keys per concern, scalar values, so two
// devices that start it, or change it while apart, merge without losing either's setting; new concerns add keys.
//   1: the first version.

export const PERSONAL_SCHEMA = 1;

/** `muted:<conversationId>`: true while muted (false after unmuting, so the latest choice wins on every device). */
export type MutedKey = `muted:${string}`;

export interface PersonalDoc {
	schema: number;
	type: 'personal';
	[key: MutedKey]: boolean;
}

/**
 * What the relay tells a person's open devices as a live (ephemeral) message on their own document: their
 * conversations changed (one was started with them, they were added or removed), so the app asks the API again
 * instead of asking every few seconds. Nothing else travels this way; a device offline learns it when it reconnects.
 */
export type PersonalNotice = { type: 'conversations-changed' };

export const isPersonalNotice = (value: unknown): value is PersonalNotice =>
	typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'conversations-changed';
