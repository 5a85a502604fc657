// Checking a token on one of several relay nodes. A genuine token can be newer than this node's copy of the
// directory: another node issued it after a change whose notice is still on its way here (a password reset, a person
// added or enabled again there a few milliseconds ago). Such a token makes this node catch up from PostgreSQL once,
// one query shared by every request waiting meanwhile, and is checked again. Everything else is answered at once: a
// token older than its person's epoch is revoked with no database round trip, and one not signed with the relay's key
// never gets that far, so garbage costs the database nothing. Without a catch-up source (DATA_DIR) the check is the
// plain verify in a resolved promise. Reads no UI state.
import { coalesced } from '../cluster/coalesced.ts';
import type { TokenCheck } from './tokens.ts';

/** The directory here may be too old to judge this token: it names a person, or an epoch, not seen here yet. */
export const newerThanHere = (check: TokenCheck): boolean => !check.ok && (check.reason === 'newer' || check.reason === 'unknown-user');

/** `verify`; when the token is newer than the directory here and `catchUp` is given: catch up once, verify again. */
export function checkCatchingUp(verify: (token: string) => TokenCheck, catchUp?: () => Promise<void>): (token: string) => Promise<TokenCheck> {
	if (!catchUp) return (token) => Promise.resolve(verify(token));
	const caughtUp = coalesced(catchUp);
	return async (token) => {
		const first = verify(token);
		if (!newerThanHere(first)) return first;
		// A failed catch-up (the database away) leaves the first answer standing; the caller reports the failure.
		await caughtUp().catch(() => {});
		return verify(token);
	};
}
