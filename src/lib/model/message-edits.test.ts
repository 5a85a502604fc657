import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { ConversationError, newConversation, postMessage, removeMembers } from './conversation';
import type { ConversationDoc, TextMessage } from './conversation-schema';
import { asMessageId, asUserId, type MessageId } from './ids';
import { deleteMessage, editMessage, isDeleted, mayChange, mentions, messagesById } from './message-edits';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
const tomas = { id: asUserId('tomas'), name: 'Tomáš Marek' };
const m = asMessageId;

function chat(): A.Doc<ConversationDoc> {
	let doc = A.from(
		newConversation({ kind: 'direct', title: 't', case: null, creator: petr, members: [anna, tomas], at: 0, messageId: m('c') }) as unknown as Record<string, unknown>
	) as A.Doc<ConversationDoc>;
	doc = A.change(doc, (d) => postMessage(d, { id: m('q'), author: anna.id, at: 10, text: 'Which wire do you use?' }));
	return doc;
}

const text = (doc: ConversationDoc, id: string) => doc.messages.find((x) => x.id === id) as TextMessage;

describe('replies and mentions', () => {
	it('answers a message and names members, each once; people not in it are dropped', () => {
		let doc = chat();
		doc = A.change(doc, (d) =>
			postMessage(d, { id: m('a'), author: petr.id, at: 20, text: '@Anna Horáková 0.25 mm brass', replyTo: m('q'), mentions: [anna.id, anna.id, asUserId('jan')] })
		);
		expect(text(doc, 'a')).toMatchObject({ replyTo: 'q', mentions: ['anna'] });
		expect(mentions(text(doc, 'a'), anna.id)).toBe(true);
		expect(mentions(text(doc, 'a'), tomas.id)).toBe(false);
		// Nothing optional is stored when not given (Automerge keeps no undefined).
		expect(Object.keys(text(doc, 'q')).sort()).toEqual(['at', 'author', 'id', 'kind', 'text']);
	});

	it('refuses an answer to a message that is not there', () => {
		expect(() => A.change(chat(), (d) => postMessage(d, { id: m('a'), author: petr.id, at: 20, text: 'x', replyTo: m('nope') }))).toThrow(ConversationError);
	});

	it('does not keep a mention of someone who has left', () => {
		let doc = A.change(chat(), (d) => void removeMembers(d, [tomas.id], { id: m('r'), author: tomas.id, at: 15 }));
		doc = A.change(doc, (d) => postMessage(d, { id: m('a'), author: petr.id, at: 20, text: '@Tomáš Marek?', mentions: [tomas.id] }));
		expect(text(doc, 'a').mentions).toBeUndefined();
	});
});

describe('edit and delete', () => {
	it('lets the author edit: new text and mentions, marked edited', () => {
		let doc = chat();
		doc = A.change(doc, (d) => void editMessage(d, { id: m('q'), by: anna.id, at: 30, text: ' Which wire, @Petr Novák? ', mentions: [petr.id] }));
		expect(text(doc, 'q')).toMatchObject({ text: 'Which wire, @Petr Novák?', mentions: ['petr'], editedAt: 30 });
		doc = A.change(doc, (d) => void editMessage(d, { id: m('q'), by: anna.id, at: 31, text: 'Which wire?' }));
		expect(text(doc, 'q').mentions).toBeUndefined();
		// The same text again changes nothing, not even the time.
		const again = A.change(doc, (d) => void expect(editMessage(d, { id: m('q'), by: anna.id, at: 40, text: 'Which wire?' })).toBe(false));
		expect(A.getHeads(again)).toEqual(A.getHeads(doc));
	});

	it('lets only the author edit or delete, and only text messages', () => {
		const doc = chat();
		expect(() => A.change(doc, (d) => editMessage(d, { id: m('q'), by: petr.id, at: 30, text: 'mine now' }))).toThrow(/author/);
		expect(() => A.change(doc, (d) => deleteMessage(d, { id: m('q'), by: petr.id, at: 30 }))).toThrow(/author/);
		expect(() => A.change(doc, (d) => deleteMessage(d, { id: m('c'), by: petr.id, at: 30 }))).toThrow(/Only text/);
		expect(() => A.change(doc, (d) => editMessage(d, { id: m('gone'), by: petr.id, at: 30, text: 'x' }))).toThrow(/not in this/);
		expect(() => A.change(doc, (d) => editMessage(d, { id: m('q'), by: anna.id, at: 30, text: '   ' }))).toThrow(/empty/);
		expect(mayChange(text(doc, 'q'), anna.id)).toBe(true);
		expect(mayChange(text(doc, 'q'), petr.id)).toBe(false);
	});

	it('empties a deleted message in the current state, keeps the earlier text in the history, and refuses edits after', () => {
		let doc = A.change(chat(), (d) => postMessage(d, { id: m('x'), author: anna.id, at: 11, text: 'call me on +420 777 123 456, @Petr Novák', mentions: [petr.id] }));
		const before = A.getHeads(doc);
		doc = A.change(doc, (d) => void deleteMessage(d, { id: m('x'), by: anna.id, at: 50 }));
		expect(text(doc, 'x')).toMatchObject({ text: '', deletedAt: 50 });
		expect(text(doc, 'x').mentions).toBeUndefined();
		expect(isDeleted(text(doc, 'x'))).toBe(true);
		expect(mayChange(text(doc, 'x'), anna.id)).toBe(false);
		const again = A.change(doc, (d) => void expect(deleteMessage(d, { id: m('x'), by: anna.id, at: 60 })).toBe(false));
		expect(A.getHeads(again)).toEqual(A.getHeads(doc));
		expect(() => A.change(doc, (d) => editMessage(d, { id: m('x'), by: anna.id, at: 60, text: 'back' }))).toThrow(/deleted/);
		// What docs/features.md says: anyone holding the document can still read the earlier text.
		expect(text(A.view(doc, before), 'x').text).toBe('call me on +420 777 123 456, @Petr Novák');
	});

	it('shows a delete made on one device over an edit made on another while apart', () => {
		const base = chat();
		const tablet = A.change(A.clone(base), (d) => void editMessage(d, { id: m('q'), by: anna.id, at: 30, text: 'Which wire, exactly?' }));
		const phone = A.change(A.clone(base), (d) => void deleteMessage(d, { id: m('q'), by: anna.id, at: 31 }));
		for (const merged of [A.merge(A.clone(tablet), phone), A.merge(A.clone(phone), tablet)]) expect(isDeleted(text(merged, 'q'))).toBe(true);
	});

	it('finds messages by id for quotes', () => {
		const byId = messagesById(chat());
		expect(byId.get(m('q') as MessageId)).toMatchObject({ text: 'Which wire do you use?' });
		expect(byId.get(m('missing'))).toBeUndefined();
	});
});
