// New message ids.
import { randomHex } from '$lib/hex';
import { asMessageId, type MessageId } from '$lib/model/ids';

export const newMessageId = (): MessageId => asMessageId(randomHex(12));
