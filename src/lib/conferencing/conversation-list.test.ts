import { describe, expect, it } from 'vitest';
import { newConversation, postMessage } from '$lib/model/conversation';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import { asCaseId, asMessageId, asUserId } from '$lib/model/ids';
import { deleteMessage } from '$lib/model/message-edits';
import { badgeCount, conversationEntry, foldForSearch, visibleEntries } from './conversation-list';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };

function chat(title: string, at: number, caseNumber?: string): ConversationDoc {
	return newConversation({
		kind: caseNumber ? 'case' : 'direct',
		title,
		case: caseNumber ? { id: asCaseId(caseNumber), number: caseNumber, title: 'CUT P 550 – wire breakage' } : null,
		creator: petr,
		members: [anna],
		at,
		messageId: asMessageId(`created-${title}`)
	});
}

function say(doc: ConversationDoc, author: typeof petr, text: string, at: number) {
	postMessage(doc, { id: asMessageId(`${author.id}-${at}`), author: author.id, at, text });
}

describe('conversation list', () => {
	it("counts only others' messages after the read mark as unread, and shows the last message", () => {
		const doc = chat('Wire', 1000, 'SC-1042');
		say(doc, anna, 'Wire breaks at 40 mm', 2000);
		say(doc, petr, 'Check the tension', 3000);
		say(doc, anna, 'Done', 4000);
		const entry = conversationEntry('a', doc, petr.id, 2);
		expect(entry.unread).toBe(1);
		expect(entry.last?.kind === 'text' && entry.last.text).toBe('Done');
		expect(entry.activityAt).toBe(4000);
		expect(conversationEntry('a', doc, petr.id, 0).unread).toBe(2);
	});

	it('counts mentions of me apart, skips deleted messages, and badges muted conversations by mentions only', () => {
		const doc = chat('Wire', 1000, 'SC-1042');
		say(doc, anna, 'Wire breaks at 40 mm', 2000);
		postMessage(doc, { id: asMessageId('m'), author: anna.id, at: 3000, text: '@Petr Novák please call', mentions: [petr.id] });
		say(doc, anna, 'sorry, wrong chat', 4000);
		deleteMessage(doc, { id: asMessageId('anna-4000'), by: anna.id, at: 4100 });
		const entry = conversationEntry('a', doc, petr.id, 0);
		expect([entry.unread, entry.mentioned]).toEqual([2, 1]);
		expect(conversationEntry('a', doc, anna.id, 0).mentioned).toBe(0);
		const quiet = { ...entry, id: 'b', unread: 5, mentioned: 0 };
		expect(badgeCount([entry, quiet], () => false)).toBe(7);
		expect(badgeCount([entry, quiet], (id) => id === 'b')).toBe(2);
		expect(badgeCount([entry, quiet], () => true)).toBe(1);
	});

	it('sorts by newest activity, filters by kind and searches titles and messages without accents', () => {
		const old = chat('Old direct', 1000);
		const busy = chat('Spindle', 2000, 'SC-1043');
		say(busy, anna, 'Vřeteno vibruje při 12 000 ot/min', 9000);
		const fresh = chat('Generator', 5000, 'SC-2001');
		const docs = new Map([
			['old', old],
			['busy', busy],
			['fresh', fresh]
		]);
		const entries = [...docs].map(([id, d]) => conversationEntry(id, d, petr.id, 0));
		const ids = (kind: 'all' | 'direct' | 'case', search = '') => visibleEntries(entries, docs, { kind, search }).map((e) => e.id);
		expect(ids('all')).toEqual(['busy', 'fresh', 'old']);
		expect(ids('direct')).toEqual(['old']);
		expect(ids('case')).toEqual(['busy', 'fresh']);
		expect(ids('all', 'vreteno 12')).toEqual(['busy']);
		expect(ids('all', 'SC-2001')).toEqual(['fresh']);
		expect(ids('all', 'nothing like this')).toEqual([]);
		expect(foldForSearch('Tomáš Marek')).toBe('tomas marek');
	});
});
