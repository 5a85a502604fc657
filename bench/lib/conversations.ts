// Conversation documents as the app writes them (the model's newConversation, text messages), for the figures
// that need many or long conversations.
import type { DocHandle } from '@automerge/automerge-repo';
import { newConversation, postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc, Message } from '../../src/lib/model/conversation-schema.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';

const START = Date.UTC(2026, 5, 1, 8);

/** A Direct chat between two GFMS engineers, Petr and Eva, with `count` text messages. */
export function directChat(title: string, count: number): ConversationDoc {
	const doc = newConversation({
		kind: 'direct',
		title,
		case: null,
		creator: { id: asUserId('petr'), name: 'Petr Novák' },
		members: [{ id: asUserId('eva'), name: 'Eva Dvořáková' }],
		at: START,
		messageId: asMessageId('created')
	});
	return { ...doc, messages: [...doc.messages, ...textMessages(count)] };
}

type TextMessage = Extract<Message, { kind: 'text' }>;

export function textMessages(count: number): TextMessage[] {
	return Array.from({ length: count }, (_, i) => ({
		id: asMessageId(`m${i}`),
		author: asUserId(i % 3 ? 'petr' : 'eva'),
		at: START + i * 15 * 60_000,
		kind: 'text',
		text: `Reading ${i + 1}: vibration ${(1.5 + (i % 17) / 10).toFixed(1)} mm/s at ${8000 + (i % 9) * 500} rpm`
	}));
}

/** Posts the messages one change each, through the model's postMessage, as the app writes them. */
export function postEach(handle: DocHandle<ConversationDoc>, messages: readonly TextMessage[]): void {
	for (const message of messages) handle.change((doc) => postMessage(doc, message));
}
