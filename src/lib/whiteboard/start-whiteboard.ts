// Starting a whiteboard session from a conversation: the board's own document, a message and a reference in the
// conversation, and the relay told that the conversation's members may read it (now, or once it can be reached).
import type { Repo } from '@automerge/automerge-repo/slim';
import { attachWhiteboard } from '$lib/model/conversation';
import type { ConversationStore } from '$lib/conferencing/conversation-store.svelte';
import { newMessageId } from '$lib/conferencing/ids';
import { addElement, elementBase, newWhiteboard } from './board';
import type { PreparedImage } from './image-input';
import type { WhiteboardDoc } from './schema';
import type { UserId } from '$lib/model/ids';

/** `background`: a picture to draw on (a frozen video frame, a photo), placed at the board's origin. */
export function startWhiteboard(repo: Repo, store: ConversationStore, conversationId: string, title: string, background?: PreparedImage) {
	const conversation = store.handle(conversationId);
	if (!conversation) throw new Error('This conversation is not open.');
	const createdAt = Date.now();
	const createdBy = store.me.id;
	const board = repo.create<WhiteboardDoc>(newWhiteboard({ conversationId, title, createdBy, createdAt }));
	if (background) board.change((doc) => void addElement(doc, imageElement('background', createdBy, background, 0, 0)));
	conversation.change((doc) => attachWhiteboard(doc, { documentId: board.documentId, title, createdBy, createdAt }, newMessageId()));
	store.attachDocument({ conversationId, documentId: board.documentId, kind: 'whiteboard' });
	return { boardId: board.documentId, saved: repo.flush([board.documentId, conversation.documentId]) };
}

export function imageElement(id: string, author: string, image: PreparedImage, x: number, y: number, width = image.width) {
	const scale = width / image.width;
	return {
		...elementBase({ id, author: author as UserId, at: Date.now(), x, y, color: '#000000', width: 0 }),
		kind: 'image' as const,
		w: image.width * scale,
		h: image.height * scale,
		mime: image.mime,
		bytes: image.bytes
	};
}
