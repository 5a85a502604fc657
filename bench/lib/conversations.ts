// Conversation documents as the app writes them (the model's newConversation, text messages), for the figures
// that need many or long conversations.
import type { DocHandle } from '@automerge/automerge-repo';
import { newConversation, postMessage } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc, FileMeta, Message } from '../../src/lib/model/conversation-schema.ts';
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

/** A Direct chat of photos, one message each, every one with its thumbnail as Take photo records it. */
export function photoChat(title: string, thumbnails: readonly Uint8Array[]): ConversationDoc {
	const doc = directChat(title, 0);
	thumbnails.forEach((bytes, i) => {
		const sha256 = (i + 1).toString(16).padStart(64, '0');
		const meta: FileMeta = {
			sha256,
			name: `Photo ${i + 1}.jpg`,
			size: 3_500_000,
			type: 'image/jpeg',
			uploadedBy: asUserId(i % 3 ? 'petr' : 'eva'),
			uploadedAt: START + i * 15 * 60_000,
			thumbnail: { type: 'image/webp', width: 320, height: 240, bytes },
			pixels: { width: 4000, height: 3000 }
		};
		doc.files[sha256] = meta;
		doc.messages.push({ id: asMessageId(`p${i}`), author: meta.uploadedBy, at: meta.uploadedAt, kind: 'file', sha256 });
	});
	return doc;
}
