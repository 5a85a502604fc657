// Which of my messages are only on this device, against real Automerge documents and heads.
import { describe, expect, it } from 'vitest';
import { next as Automerge } from '@automerge/automerge';
import { encodeHeads } from '@automerge/automerge-repo';
import { newConversation, postMessage } from '$lib/model/conversation';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import { asMessageId, asUserId } from '$lib/model/ids';
import { undeliveredMessageIds } from './message-delivery';

const petr = asUserId('petr');

describe('undelivered messages', () => {
	const initial = newConversation({ kind: 'direct', title: 't', case: null, creator: { id: petr, name: 'Petr' }, members: [], at: 0, messageId: asMessageId('m0') });
	// Automerge.from wants an index signature the typed schema does not have; the document is the same.
	let doc = Automerge.from(initial as unknown as Record<string, unknown>) as unknown as Automerge.Doc<ConversationDoc>;
	doc = Automerge.change(doc, (d) => postMessage(d, { id: asMessageId('sent'), author: petr, at: 1, text: 'on the relay' }));
	const relayHeads = encodeHeads(Automerge.getHeads(doc));
	doc = Automerge.change(doc, (d) => postMessage(d, { id: asMessageId('offline'), author: petr, at: 2, text: 'written offline' }));

	it('marks only the messages after the relay heads as kept on this device', () => {
		expect([...undeliveredMessageIds(doc, relayHeads, petr, false)]).toEqual(['offline']);
	});
	it('marks all of mine when the relay never confirmed anything, and none when everything is delivered', () => {
		expect([...undeliveredMessageIds(doc, undefined, petr, false)].sort()).toEqual(['m0', 'offline', 'sent']);
		expect(undeliveredMessageIds(doc, relayHeads, petr, true).size).toBe(0);
	});
	it('ignores relay heads this device has not seen', () => {
		const unknown = encodeHeads(['a'.repeat(64)]);
		expect([...undeliveredMessageIds(doc, unknown, petr, false)].sort()).toEqual(['m0', 'offline', 'sent']);
	});
});
