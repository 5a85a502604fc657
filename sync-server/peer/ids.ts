// Whose a peer id is. Sync peer ids are `${userId}:${suffix}` and PeerJS ids `${userId}-${suffix}` (PeerJS allows no
// ':'); the relay binds each to the signed-in user at the upgrade, so nobody speaks as someone else.
const SUFFIX = /^[A-Za-z0-9_-]{1,64}$/;

export type PeerIdSeparator = ':' | '-';

/** The user is everything before the last separator, so no user can take a prefix of another's id. */
export function peerIdBelongsTo(peerId: string, userId: string, separator: PeerIdSeparator): boolean {
	const cut = peerId.lastIndexOf(separator);
	return cut > 0 && peerId.slice(0, cut) === userId && SUFFIX.test(peerId.slice(cut + 1));
}
