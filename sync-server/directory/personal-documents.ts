// Each person's own document (settings that follow them to every device, src/lib/model/personal-schema.ts): its id
// is derived from the user id and the relay's secret key, so the relay stores nothing new, nobody else can guess it,
// and the app learns it with the sign-in. Replacing DATA_DIR/token-key gives everyone a new, empty one.
import { createHmac } from 'node:crypto';
import { documentIdFromBytes } from '../../src/lib/model/derived-ids.ts';
import type { UserId } from '../../src/lib/model/ids.ts';

export type PersonalDocumentId = (userId: UserId) => string;

export function personalDocumentIds(key: Buffer): PersonalDocumentId {
	const known = new Map<UserId, string>();
	return (userId) => {
		let id = known.get(userId);
		if (id === undefined) {
			id = documentIdFromBytes(createHmac('sha256', key).update(`caseroom-personal:${userId}`).digest().subarray(0, 16));
			known.set(userId, id);
		}
		return id;
	};
}
