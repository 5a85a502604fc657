// Which members' devices are online and hold which of a conversation's files. Travels as automerge-repo ephemeral
// messages on the conversation document (the relay forwards them only to members who opened it, never stores
// them): each device with files of the conversation says `have` when it opens it, when asked (`who-has`), when
// what it holds changes, and every HEARTBEAT_MS; a device not heard from for TTL_MS is gone. Pure: no I/O.
// Untrusted input: every message is checked, and a message naming another person's PeerJS id is ignored.
import { isSha256Hex, type Sha256Hex } from '$lib/model/file-manifest';
import type { UserId } from '$lib/model/ids';
import { userOfCallPeer, userOfSyncPeer } from '$lib/call/call-roster';

export const FILES_MARK = 'caseroomFiles';
const VERSION = 1;
export const HEARTBEAT_MS = 10_000;
export const TTL_MS = 2 * HEARTBEAT_MS + 5000;
/** Hashes one message may list (64 characters each: ~64 KB at most). */
const MAX_FILES = 1000;

export interface FilesHave {
	[FILES_MARK]: typeof VERSION;
	kind: 'have';
	/** The device's PeerJS peer id for files, `<userId>-<random>`. */
	peer: string;
	/** Files whose every chunk is on the device. */
	files: Sha256Hex[];
	/** Files the device is still fetching: some chunks are there (ask which). */
	partial: Sha256Hex[];
}

export interface FilesWho {
	[FILES_MARK]: typeof VERSION;
	kind: 'who-has';
}

export type FilesSignal = FilesHave | FilesWho;

export const whoHas = (): FilesWho => ({ [FILES_MARK]: VERSION, kind: 'who-has' });
export const have = (peer: string, files: Sha256Hex[], partial: Sha256Hex[]): FilesHave => ({
	[FILES_MARK]: VERSION,
	kind: 'have',
	peer,
	files: files.slice(0, MAX_FILES),
	partial: partial.slice(0, MAX_FILES)
});

const hashList = (v: unknown): v is Sha256Hex[] => Array.isArray(v) && v.length <= MAX_FILES && v.every(isSha256Hex);

export function parseFilesSignal(value: unknown): FilesSignal | null {
	if (typeof value !== 'object' || value === null) return null;
	const m = value as Record<string, unknown>;
	if (m[FILES_MARK] !== VERSION) return null;
	if (m.kind === 'who-has') return whoHas();
	if (m.kind !== 'have' || typeof m.peer !== 'string' || m.peer.length > 128) return null;
	if (!hashList(m.files) || !hashList(m.partial)) return null;
	return have(m.peer, [...m.files], [...m.partial]);
}

export interface Holder {
	peer: string;
	user: UserId;
	files: ReadonlySet<Sha256Hex>;
	partial: ReadonlySet<Sha256Hex>;
	lastSeen: number;
}

/** Online devices by PeerJS peer id. */
export type Holders = ReadonlyMap<string, Holder>;

/** The holders after one `have` from `sender` (the automerge-repo peer id the relay vouches for). */
export function applyHave(holders: Holders, signal: FilesHave, sender: string, now: number): Holders {
	const user = userOfSyncPeer(sender);
	if (!user || userOfCallPeer(signal.peer) !== user) return holders;
	const next = new Map(holders);
	next.set(signal.peer, { peer: signal.peer, user, files: new Set(signal.files), partial: new Set(signal.partial), lastSeen: now });
	return next;
}

/** Without the devices not heard from within TTL_MS (the same map when none went). */
export function pruneHolders(holders: Holders, now: number, ttl = TTL_MS): Holders {
	const stale = [...holders.values()].filter((h) => now - h.lastSeen > ttl);
	if (stale.length === 0) return holders;
	const next = new Map(holders);
	for (const h of stale) next.delete(h.peer);
	return next;
}

/** Online devices other than `self` that hold some or all of `file`: whole copies first. */
export function holdersOf(holders: Holders, file: Sha256Hex, self: string): Holder[] {
	const all = [...holders.values()].filter((h) => h.peer !== self && (h.files.has(file) || h.partial.has(file)));
	return all.sort((a, b) => Number(b.files.has(file)) - Number(a.files.has(file)));
}

/** How many online devices (other than `self`) hold the whole file: Details' "on n online devices". */
export const completeCopies = (holders: Holders, file: Sha256Hex, self: string): number =>
	[...holders.values()].filter((h) => h.peer !== self && h.files.has(file)).length;
