import { describe, expect, it } from 'vitest';
import { addMembers, attachFile, messagesInTimeOrder, newConversation, postMessage, removeMembers } from '$lib/model/conversation';
import { asMessageId, asUserId } from '$lib/model/ids';
import { describeEvent, messageRows, previewText, seenSummary } from './message-rows';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const H = 3600_000;

describe('message rows', () => {
	const doc = newConversation({ kind: 'direct', title: 't', case: null, creator: petr, members: [], at: 0, messageId: asMessageId('m0') });
	postMessage(doc, { id: asMessageId('m1'), author: petr.id, at: 1 * H, text: 'one' });
	postMessage(doc, { id: asMessageId('m2'), author: petr.id, at: 2 * H, text: 'two' });
	postMessage(doc, { id: asMessageId('m3'), author: petr.id, at: 30 * H, text: 'next day' });
	addMembers(doc, [anna], { id: asMessageId('m4'), author: petr.id, at: 31 * H });

	it('puts a separator before each new day and groups runs of one author', () => {
		const rows = messageRows(doc.messages, petr.id, day);
		expect(rows.map((r) => (r.kind === 'day' ? `day ${day(r.at)}` : `${r.message.id}${r.continued ? '+' : ''}`))).toEqual([
			'day 1970-01-01',
			'm0',
			'm1',
			'm2+',
			'day 1970-01-02',
			'm3',
			'm4'
		]);
		expect(rows.every((r) => r.kind === 'day' || r.mine)).toBe(true);
	});

	it('says what system messages mean, with names from the members', () => {
		expect(describeEvent(doc.messages[4]!, doc)).toEqual({ key: 'event.membersAdded', params: { author: 'Petr Novák', names: 'Anna Horáková' } });
		expect(describeEvent(doc.messages[1]!, doc)).toBeNull();
		const later = structuredClone(doc);
		removeMembers(later, [anna.id], { id: asMessageId('m5'), author: petr.id, at: 32 * H });
		expect(describeEvent(later.messages[5]!, later)).toEqual({ key: 'event.membersRemoved', params: { author: 'Petr Novák', names: 'Anna Horáková' } });
		addMembers(later, [anna], { id: asMessageId('m6'), author: petr.id, at: 33 * H });
		removeMembers(later, [anna.id], { id: asMessageId('m7'), author: anna.id, at: 34 * H });
		expect(describeEvent(later.messages[7]!, later)).toEqual({ key: 'event.left', params: { author: 'Anna Horáková' } });
		expect(previewText(doc.messages[3]!, doc)).toEqual({ key: 'list.preview', params: { author: 'Petr Novák', text: 'next day' } });
	});

	it('says who has seen my message: the one person and when, or how many of the others', () => {
		expect(seenSummary([], 3)).toBeNull();
		expect(seenSummary([{ userId: anna.id, at: 5 }], 1)).toEqual({ kind: 'one', userId: 'anna', at: 5 });
		expect(seenSummary([{ userId: anna.id, at: 5 }], 3)).toEqual({ kind: 'one', userId: 'anna', at: 5 });
		expect(seenSummary([{ userId: anna.id, at: 5 }, { userId: asUserId('tomas'), at: 6 }], 3)).toEqual({ kind: 'some', count: 2, total: 3 });
	});

	it('keeps a file under its author’s name with their text, and previews a voice note with its length', () => {
		const chat = structuredClone(doc);
		const sha = 'e'.repeat(64);
		attachFile(chat, { sha256: sha, name: 'Voice note.webm', size: 30_000, type: 'audio/webm', uploadedBy: petr.id, uploadedAt: 30 * H + 1, durationMs: 7_400 }, asMessageId('v1'));
		const rows = messageRows(messagesInTimeOrder(chat), petr.id, day);
		expect(rows.find((r) => r.kind === 'message' && r.message.id === 'v1')).toMatchObject({ continued: true });
		expect(previewText(chat.messages.at(-1)!, chat)).toEqual({ key: 'voice.event', params: { author: 'Petr Novák', duration: '0:07' } });
		attachFile(chat, { sha256: 'f'.repeat(64), name: 'alarm.jpg', size: 9, type: 'image/jpeg', uploadedBy: anna.id, uploadedAt: 40 * H }, asMessageId('p1'));
		expect(previewText(chat.messages.at(-1)!, chat)).toEqual({ key: 'event.file', params: { author: 'Anna Horáková', file: 'alarm.jpg' } });
	});
});
