import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import {
	addMembers,
	attachFile,
	attachWhiteboard,
	ConversationError,
	isMember,
	lastMessage,
	mediaSummary,
	memberIds,
	messagesInTimeOrder,
	newConversation,
	postMessage,
	removeMembers,
	upgradeConversation
} from './conversation';
import type { ConversationDoc } from './conversation-schema';
import { asCaseId, asMessageId, asUserId } from './ids';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
const tomas = { id: asUserId('tomas'), name: 'Tomáš Marek' };
const sc1042 = { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing' };
let n = 0;
const mid = () => asMessageId(`m${++n}`);

function caseChat() {
	return A.from(
		newConversation({ kind: 'case', title: '', case: sc1042, creator: petr, members: [anna], at: 1000, messageId: mid() }) as unknown as Record<string, unknown>
	) as A.Doc<ConversationDoc>;
}

describe('conversation document', () => {
	it('starts with its creator and members, the case, and a created message', () => {
		const doc = caseChat();
		expect(doc.schema).toBe(3);
		expect(doc.title).toBe('SC-1042 CUT P 550 – wire breakage during roughing');
		expect(isMember(doc, petr.id) && isMember(doc, anna.id)).toBe(true);
		expect(isMember(doc, tomas.id)).toBe(false);
		expect(lastMessage(doc)).toMatchObject({ kind: 'system', event: { type: 'created' }, author: 'petr' });
	});

	it('refuses a service case chat without a case', () => {
		expect(() => newConversation({ kind: 'case', title: 'x', case: null, creator: petr, members: [], at: 1, messageId: mid() })).toThrow(
			ConversationError
		);
	});

	it('posts text messages, trimmed, and refuses empty or huge ones', () => {
		let doc = caseChat();
		doc = A.change(doc, (d) => postMessage(d, { id: mid(), author: anna.id, at: 2000, text: '  Wire broke again at 14:02  ' }));
		expect(lastMessage(doc)).toMatchObject({ kind: 'text', text: 'Wire broke again at 14:02', author: 'anna' });
		expect(() => A.change(doc, (d) => postMessage(d, { id: mid(), author: anna.id, at: 1, text: '   ' }))).toThrow(/empty/);
		expect(() => A.change(doc, (d) => postMessage(d, { id: mid(), author: anna.id, at: 1, text: 'x'.repeat(20_001) }))).toThrow(/at most/);
	});

	it('adds members once, with a system message naming them', () => {
		let doc = caseChat();
		doc = A.change(doc, (d) => void addMembers(d, [tomas, anna], { id: mid(), author: petr.id, at: 3000 }));
		expect(isMember(doc, tomas.id)).toBe(true);
		expect(lastMessage(doc)).toMatchObject({ kind: 'system', event: { type: 'members-added', members: ['tomas'] } });
		const before = doc.messages.length;
		doc = A.change(doc, (d) => void addMembers(d, [tomas], { id: mid(), author: petr.id, at: 3001 }));
		expect(doc.messages.length).toBe(before);
	});

	it('removes members, keeps their names for what they wrote, and lets them be added again', () => {
		let doc = caseChat();
		doc = A.change(doc, (d) => void addMembers(d, [tomas], { id: mid(), author: petr.id, at: 3000 }));
		doc = A.change(doc, (d) => void removeMembers(d, [anna.id, asUserId('nobody')], { id: mid(), author: petr.id, at: 3100 }));
		expect(isMember(doc, anna.id)).toBe(false);
		expect(memberIds(doc).sort()).toEqual(['petr', 'tomas']);
		expect(doc.members[anna.id]).toMatchObject({ name: 'Anna Horáková', removedBy: 'petr', removedAt: 3100 });
		expect(lastMessage(doc)).toMatchObject({ kind: 'system', author: 'petr', event: { type: 'members-removed', members: ['anna'] } });
		// Removing again, or someone never in it, says nothing.
		const before = doc.messages.length;
		doc = A.change(doc, (d) => void removeMembers(d, [anna.id], { id: mid(), author: petr.id, at: 3200 }));
		expect(doc.messages.length).toBe(before);
		// Tomas leaves: the author alone.
		doc = A.change(doc, (d) => void removeMembers(d, [tomas.id], { id: mid(), author: tomas.id, at: 3300 }));
		expect(lastMessage(doc)).toMatchObject({ author: 'tomas', event: { type: 'members-removed', members: ['tomas'] } });
		doc = A.change(doc, (d) => void addMembers(d, [anna], { id: mid(), author: petr.id, at: 3400 }));
		expect(isMember(doc, anna.id)).toBe(true);
		expect(doc.members[anna.id]!.removedAt).toBeUndefined();
	});

	it('references whiteboards and files and summarises the media', () => {
		let doc = caseChat();
		doc = A.change(doc, (d) => attachWhiteboard(d, { documentId: 'wb1', title: 'Wire path', createdBy: anna.id, createdAt: 4000 }, mid()));
		const sha = 'a'.repeat(64);
		doc = A.change(doc, (d) =>
			attachFile(d, { sha256: sha, name: 'alarm.jpg', size: 2048, type: 'image/jpeg', uploadedBy: anna.id, uploadedAt: 5000 }, mid())
		);
		expect(mediaSummary(doc)).toEqual({ whiteboards: 1, files: 1, totalBytes: 2048 });
		expect(lastMessage(doc)).toMatchObject({ kind: 'file', sha256: sha });
		expect(() =>
			A.change(doc, (d) => attachFile(d, { sha256: 'nope', name: 'x', size: 1, type: '', uploadedBy: anna.id, uploadedAt: 1 }, mid()))
		).toThrow(/SHA-256/);
	});

	it('merges messages written on two devices while apart, losing none, in time order', () => {
		const base = caseChat();
		const tablet = A.change(A.clone(base), (d) => postMessage(d, { id: mid(), author: anna.id, at: 6000, text: 'offline on the floor' }));
		const laptop = A.change(A.clone(base), (d) => postMessage(d, { id: mid(), author: petr.id, at: 5000, text: 'from the office' }));
		const merged = A.merge(A.clone(tablet), laptop);
		const mergedOther = A.merge(A.clone(laptop), tablet);
		const texts = messagesInTimeOrder(merged).flatMap((m) => (m.kind === 'text' ? [m.text] : []));
		expect(texts).toEqual(['from the office', 'offline on the floor']);
		expect(A.getHeads(merged).sort()).toEqual(A.getHeads(mergedOther).sort());
	});

	it('reads stored documents through the upgrade guard', () => {
		expect(upgradeConversation(caseChat())?.kind).toBe('case');
		expect(upgradeConversation({ type: 'whiteboard' })).toBeNull();
		expect(upgradeConversation({ type: 'conversation', schema: 99, messages: [] })).toBeNull();
	});
});
