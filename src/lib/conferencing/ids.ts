// New message ids. crypto.getRandomValues, unlike crypto.randomUUID, also works on a plain-http LAN address.
import { asMessageId, type MessageId } from '$lib/model/ids';

export function newMessageId(): MessageId {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return asMessageId(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
}
