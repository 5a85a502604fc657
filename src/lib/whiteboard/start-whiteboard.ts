// Starting a whiteboard session from a conversation: the board's own document, a message and a reference in the
// conversation, and the relay told that the conversation's members may read it (now, or once it can be reached).
import type { Repo } from '@automerge/automerge-repo/slim';
import { attachWhiteboard } from '$lib/model/conversation';
import type { ConversationStore } from '$lib/conferencing/conversation-store.svelte';
import { newMessageId } from '$lib/conferencing/ids';
import { newWhiteboard } from './board';
import type { WhiteboardDoc } from './schema';

export function startWhiteboard(repo: Repo, store: ConversationStore, conversationId: string, title: string): string {
	const conversation = store.handle(conversationId);
	if (!conversation) throw new Error('This conversation is not open.');
	const createdAt = Date.now();
	const createdBy = store.me.id;
	const board = repo.create<WhiteboardDoc>(newWhiteboard({ conversationId, title, createdBy, createdAt }));
	conversation.change((doc) => attachWhiteboard(doc, { documentId: board.documentId, title, createdBy, createdAt }, newMessageId()));
	store.attachDocument({ conversationId, documentId: board.documentId, kind: 'whiteboard' });
	return board.documentId;
}
