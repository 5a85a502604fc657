import { describe, expect, it } from 'vitest';
import { receiptsDocumentId } from '../../src/lib/model/derived-ids.ts';
import { asConversationId, asUserId } from '../../src/lib/model/ids.ts';
import type { AttachedDocument } from '../directory/events.ts';
import { directoryEffects } from './directory-fanout.ts';

const conversationId = asConversationId('2k9H4vNRbcyCQQbF6UZRmXWNeRQm');
const board: AttachedDocument = { documentId: '3ZGbxqnVCA5dRrfJEgxnBCjzt8Ky', conversationId, kind: 'whiteboard', attachedBy: asUserId('petr'), attachedAt: 1 };
const reads = { documentsOf: () => [board] };
const everything = [conversationId, receiptsDocumentId(conversationId), board.documentId];

describe('what a directory change made on another node means here', () => {
	it('serves a registered conversation, added members and attached documents, and cuts off removed members', () => {
		const conversation = { id: conversationId, kind: 'case' as const, caseId: null, members: [asUserId('petr')], createdBy: asUserId('petr'), createdAt: 1 };
		expect(directoryEffects({ type: 'conversationRegistered', conversation }, reads)).toEqual([{ hook: 'accessChanged', documentIds: everything }]);
		expect(directoryEffects({ type: 'membersAdded', conversationId, members: [asUserId('anna')], by: asUserId('petr') }, reads)).toEqual([{ hook: 'accessChanged', documentIds: everything }]);
		expect(directoryEffects({ type: 'documentAttached', document: board }, reads)).toEqual([{ hook: 'accessChanged', documentIds: [board.documentId] }]);
		expect(directoryEffects({ type: 'membersRemoved', conversationId, members: [asUserId('anna')], by: asUserId('petr') }, reads)).toEqual([
			{ hook: 'accessRevoked', userIds: ['anna'], conversationId, documentIds: everything }
		]);
	});

	it('closes the connections of a disabled person and after a password reset; the rest changes no connection', () => {
		expect(directoryEffects({ type: 'personDisabled', userId: asUserId('anna') }, reads)).toEqual([{ hook: 'cutOff', userId: 'anna' }]);
		expect(directoryEffects({ type: 'passwordSet', userId: asUserId('anna'), passwordHash: 'x' }, reads)).toEqual([{ hook: 'cutOff', userId: 'anna' }]);
		expect(directoryEffects({ type: 'personEnabled', userId: asUserId('anna') }, reads)).toEqual([]);
		expect(directoryEffects({ type: 'auditRecorded', entry: { at: 1, by: null, action: 'person.add', target: 'x' } }, reads)).toEqual([]);
	});
});
