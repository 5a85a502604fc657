import { describe, expect, it } from 'vitest';
import { newConversation, postMessage, addMembers } from '$lib/model/conversation';
import { asMessageId, asUserId } from '$lib/model/ids';
import { deleteMessage } from '$lib/model/message-edits';
import { arrivals, knownNow, notificationFor } from './arrivals';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
const tomas = { id: asUserId('tomas'), name: 'Tomáš Marek' };

function chat() {
	const doc = newConversation({ kind: 'direct', title: 'Spindle', case: null, creator: petr, members: [anna], at: 0, messageId: asMessageId('c') });
	postMessage(doc, { id: asMessageId('old'), author: petr.id, at: 1, text: 'before the app went to the background' });
	return doc;
}

describe('notifications while in the background', () => {
	it('notifies of messages from others that arrived since, not of mine, notices or deleted ones', () => {
		const doc = chat();
		const known = knownNow(new Map([['c1', doc]]));
		postMessage(doc, { id: asMessageId('a'), author: petr.id, at: 10, text: 'Spindle at 12 000 rpm' });
		postMessage(doc, { id: asMessageId('mine'), author: anna.id, at: 11, text: 'from my other device' });
		addMembers(doc, [tomas], { id: asMessageId('added'), author: petr.id, at: 12 });
		postMessage(doc, { id: asMessageId('gone'), author: petr.id, at: 13, text: 'oops' });
		deleteMessage(doc, { id: asMessageId('gone'), by: petr.id, at: 14 });
		expect(arrivals('c1', doc, known, anna.id, false, 0).map((m) => m.id)).toEqual(['a']);
		// Each message once.
		expect(arrivals('c1', doc, known, anna.id, false, 0)).toEqual([]);
		expect(notificationFor('c1', doc, [doc.messages.find((m) => m.id === 'a')!], anna.id)).toEqual({
			title: { key: 'notify.title', params: { conversation: 'Spindle' } },
			body: { key: 'list.preview', params: { author: 'Petr Novák', text: 'Spindle at 12 000 rpm' } },
			tag: 'caseroom-c1',
			url: '/conferencing/c1'
		});
	});

	it('stays silent for a muted conversation unless a message names me, and says so', () => {
		const doc = chat();
		const known = knownNow(new Map([['c1', doc]]));
		postMessage(doc, { id: asMessageId('a'), author: petr.id, at: 10, text: 'routine' });
		expect(arrivals('c1', doc, known, anna.id, true, 0)).toEqual([]);
		postMessage(doc, { id: asMessageId('b'), author: petr.id, at: 20, text: '@Anna Horáková urgent', mentions: [anna.id] });
		postMessage(doc, { id: asMessageId('c'), author: petr.id, at: 30, text: 'and more', mentions: [] });
		const fresh = arrivals('c1', doc, known, anna.id, true, 0);
		expect(fresh.map((m) => m.id)).toEqual(['b']);
		const text = notificationFor('c1', doc, fresh, anna.id);
		expect(text.body).toEqual({ key: 'notify.mentioned', params: { author: 'Petr Novák', text: '@Anna Horáková urgent' } });
	});

	it('counts several messages in one notification; of a conversation new since then, only what was written since', () => {
		const known = knownNow(new Map());
		const doc = chat();
		postMessage(doc, { id: asMessageId('a'), author: petr.id, at: 10, text: 'one' });
		postMessage(doc, { id: asMessageId('b'), author: petr.id, at: 11, text: 'two' });
		const fresh = arrivals('c2', doc, known, anna.id, false, 5);
		expect(fresh.map((m) => m.id)).toEqual(['a', 'b']);
		expect(notificationFor('c2', doc, fresh, anna.id).title).toEqual({ key: 'notify.titleMany', params: { conversation: 'Spindle', count: 2 } });
	});
});
