// The conversation most tests need: Petr (GFMS) opens a Service case chat on SC-1042 with Anna (Acme).
import { newConversation } from '../../src/lib/model/conversation.ts';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asCaseId, asMessageId, asUserId } from '../../src/lib/model/ids.ts';

export function petrsCaseChatWithAnna(): ConversationDoc {
	return newConversation({
		kind: 'case',
		title: '',
		case: { id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing' },
		creator: { id: asUserId('petr'), name: 'Petr Novák' },
		members: [{ id: asUserId('anna'), name: 'Anna Horáková' }],
		at: Date.now(),
		messageId: asMessageId(`m-${crypto.randomUUID()}`)
	});
}
