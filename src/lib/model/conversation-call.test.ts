import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { newConversation, recordCallEnded, recordCallStarted } from './conversation';
import type { ConversationDoc, Message } from './conversation-schema';
import { asMessageId, asUserId } from './ids';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };

const chat = () =>
	A.from(
		newConversation({ kind: 'direct', title: '', case: null, creator: petr, members: [anna], at: 0, messageId: asMessageId('c') }) as unknown as Record<string, unknown>
	) as A.Doc<ConversationDoc>;
const calls = (doc: ConversationDoc) => doc.messages.filter((m): m is Extract<Message, { kind: 'call' }> => m.kind === 'call');

describe('call messages', () => {
	it('records who started a call, then who was in it and for how long', () => {
		let doc = A.change(chat(), (d) => recordCallStarted(d, { id: asMessageId('call1'), author: petr.id, at: 10_000 }));
		doc = A.change(doc, (d) => {
			recordCallEnded(d, { id: asMessageId('end1'), author: anna.id, at: 190_000, startedId: asMessageId('call1'), startedAt: 10_000, participants: [anna.id, petr.id, anna.id] });
		});
		const [started, ended] = calls(doc);
		expect(started).toMatchObject({ event: 'started', author: 'petr', participants: ['petr'] });
		expect(ended).toMatchObject({ event: 'ended', participants: ['anna', 'petr'], durationMs: 180_000, startedId: 'call1' });
	});

	it('records the end of a call once, even when two people leave last', () => {
		const doc = A.change(chat(), (d) => {
			const end = { author: anna.id, at: 5000, startedId: asMessageId('call1'), startedAt: 1000, participants: [anna.id] };
			expect(recordCallEnded(d, { ...end, id: asMessageId('e1') })).toBe(true);
			expect(recordCallEnded(d, { ...end, id: asMessageId('e2') })).toBe(false);
		});
		expect(calls(doc)).toHaveLength(1);
	});

	it('never records a negative duration from a clock that is behind', () => {
		const doc = A.change(chat(), (d) => {
			recordCallEnded(d, { id: asMessageId('e'), author: anna.id, at: 1000, startedId: asMessageId('s'), startedAt: 5000, participants: [] });
		});
		expect(calls(doc)[0]?.durationMs).toBe(0);
	});
});
