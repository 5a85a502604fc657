// What every message of frame 2 may ask of the conversation around it: who is reading, the members a text may
// name, and the actions (reply, edit, delete, show the message a reply answers).
import type { Message } from '$lib/model/conversation-schema';
import type { UserId } from '$lib/model/ids';
import type { Mentionable } from './mentions';

export interface MessageStream {
	me: UserId;
	/** Everyone the conversation has had, so a mention of someone who left still reads as one. */
	people: readonly Mentionable[];
	reply(message: Message): void;
	/** True when the change was made; false when it was refused (the conversation says why). */
	edit(message: Message, text: string): boolean;
	remove(message: Message): void;
	/** Scrolls to a message and briefly highlights it. */
	jump(message: Message): void;
}
