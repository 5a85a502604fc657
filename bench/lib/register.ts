// A conversation written on Petr's device and registered through the API with Eva as a member, as the app does it.
import { WebSocket } from 'ws';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { createClientRepo } from '../../src/lib/sync/client-repo.ts';
import { loginToken } from './browser.ts';
import { directChat } from './conversations.ts';

export interface Conversation {
	title: string;
	count: number;
}

/** Resolves once the relay has acknowledged the whole history (`doc`: a conversation other than `count` texts). */
export async function register(origin: string, title: string, count: number, doc: ConversationDoc = directChat(title, count)): Promise<Conversation> {
	const token = await loginToken(origin, 'petr');
	const writer = createClientRepo({ url: `${origin.replace('http', 'ws')}/sync`, token, userId: 'petr', webSocket: WebSocket });
	try {
		const handle = writer.repo.create<ConversationDoc>(doc);
		const res = await fetch(`${origin}/api/conversations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ documentId: handle.documentId, kind: 'direct', caseId: null, members: ['eva'] })
		});
		if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
		if (!(await writer.delivery.whenDelivered(handle, 60_000))) throw new Error('the relay never acknowledged the conversation');
		return { title, count };
	} finally {
		await writer.shutdown();
	}
}

