// What differs between two directories: a relay's DATA_DIR and the PostgreSQL it was migrated into (migrate's
// check, and its refusal to write over a directory that is not the same). Organisations, people (password hash,
// token epoch, disabled, admin), service cases, conversations with their members, attached documents (whiteboards)
// and the audit log are compared; members as a set (re-registering a conversation puts its creator first), and a
// field that differs is named, never its value (a password hash is a secret). Reads no files.
import type { DirectoryReads } from '../directory/store.ts';

type Keyed = Map<string, Record<string, unknown>>;

/** One line per difference, e.g. `person petr: tokenEpoch differs`; empty when the two are the same. */
export function directoryDifferences(source: DirectoryReads, target: DirectoryReads): string[] {
	const parts = (d: DirectoryReads): [string, Keyed][] => [
		['organisation', keyed(d.organisations(), (o) => o.id)],
		['person', keyed(d.people(), (p) => p.username)],
		['service case', keyed(d.cases(), (c) => c.number)],
		['conversation', keyed(d.conversations().map((c) => ({ ...c, members: [...c.members].sort(), documents: d.documentsOf(c.id) })), (c) => c.id)],
		['audit entry', keyed(d.auditLog().map((e, i) => ({ ...e, n: i + 1 })), (e) => String(e.n))]
	];
	const theirs = new Map(parts(target));
	return parts(source).flatMap(([what, ours]) => differences(what, ours, theirs.get(what)!));
}

/** A few words on what a directory holds: "5 organisations, 42 people, 3 service cases, 17 conversations, 9 audit entries". */
export function directorySize(d: DirectoryReads): string {
	const members = d.conversations().reduce((sum, c) => sum + c.members.length, 0);
	return `${d.organisations().length} organisations, ${d.people().length} people, ${d.cases().length} service cases, ${d.conversationCount()} conversations (${members} memberships), ${d.auditLog().length} audit entries`;
}

function keyed<T extends object>(items: readonly T[], key: (item: T) => string): Keyed {
	return new Map(items.map((item) => [key(item), item as Record<string, unknown>]));
}

function differences(what: string, source: Keyed, target: Keyed): string[] {
	const found: string[] = [];
	for (const [key, ours] of source) {
		const theirs = target.get(key);
		if (!theirs) {
			found.push(`${what} ${key}: missing in the target`);
			continue;
		}
		const fields = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].filter((f) => canonical(ours[f]) !== canonical(theirs[f]));
		if (fields.length > 0) found.push(`${what} ${key}: ${fields.sort().join(', ')} ${fields.length === 1 ? 'differs' : 'differ'}`);
	}
	for (const key of target.keys()) if (!source.has(key)) found.push(`${what} ${key}: only in the target`);
	return found;
}

/** JSON with object keys sorted: the same value always gives the same text. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v
	) ?? 'undefined';
}
