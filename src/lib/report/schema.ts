// Reads no UI state. Types only: the service report's record (report.json), a pure function of the conversation's
// documents. Versioned: `schemaVersion` changes whenever a reader would have to change. The record holds nothing
// device-local, so the same conversation gives the same record on every member's device and on the relay; who made
// it, when, in which language, and what this bundle lacks stand apart (`generatedAt`, `generatedBy`, `bundle`).
//   1: the first version.
//   2: a text entry says what it answers (`replyTo`), whom it names (`mentions`), when it was edited (`editedAt`) or
//      deleted (`deletedAt`; its text is then empty); a file entry says whether it is a voice note; a file carries
//      its recording's `durationMs` and whether the conversation holds its `thumbnail` (never the thumbnail's bytes).
import type { MessageId, OrgId, UserId } from '../model/ids';
import type { Role } from '../model/directory';
import type { ThumbnailType } from '../model/conversation-schema';

export const REPORT_SCHEMA_VERSION = 2;

export type ReportLocale = 'en' | 'cs' | 'de';

export interface ReportCase {
	id: string;
	/** e.g. "SC-1042" */
	number: string;
	/** The machine, when the case title names it before a dash ("CUT P 550 – wire breakage…"). */
	machine: string | null;
	title: string;
	organisation: OrgId | null;
}

export interface ReportMember {
	id: UserId;
	name: string;
	organisation: OrgId | null;
	role: Role | null;
	addedAt: number;
	addedBy: UserId;
	removedAt?: number;
	removedBy?: UserId;
}

interface EntryBase {
	id: MessageId;
	at: number;
	author: UserId;
}

export type TimelineEntry =
	| (EntryBase & {
			kind: 'text';
			/** Empty once deleted. */
			text: string;
			/** The entry this one answers (its id in this timeline). */
			replyTo: MessageId | null;
			/** The members named with "@Full Name" in the text. */
			mentions: UserId[];
			editedAt: number | null;
			deletedAt: number | null;
	  })
	| (EntryBase & { kind: 'event'; event: 'created' | 'members-added' | 'members-removed' | 'left'; members: UserId[] })
	| (EntryBase & { kind: 'whiteboard'; whiteboard: string })
	| (EntryBase & { kind: 'file'; sha256: string; photo: boolean; voiceNote: boolean })
	| (EntryBase & { kind: 'call'; event: 'started' | 'ended'; call: MessageId; participants: UserId[]; durationMs: number | null });

export interface ReportWhiteboard {
	id: string;
	title: string;
	createdBy: UserId;
	createdAt: number;
	/** Visible elements; null when the board's document was not there to count. */
	elementCount: number | null;
	/** Where its PNG is in the bundle. */
	path: string;
}

export interface ReportFile {
	sha256: string;
	name: string;
	type: string;
	size: number;
	sharedBy: UserId;
	sharedAt: number;
	/** Where its bytes are in the bundle (when this bundle has them: see `bundle.missingFiles`). */
	path: string;
	/** How long a voice note plays. */
	durationMs: number | null;
	/**
	 * The small picture of a photo that travels in the conversation (report.html shows it, inline, even when the photo
	 * itself is not in the bundle); null when the conversation has none.
	 */
	thumbnail: ReportThumbnail | null;
}

export interface ReportThumbnail {
	type: ThumbnailType;
	width: number;
	height: number;
	/** Its size in bytes. */
	size: number;
}

export interface ReportCall {
	/** The id of its 'started' message. */
	id: MessageId;
	startedBy: UserId;
	startedAt: number;
	/** Null while it runs, or when its end was never recorded. */
	endedAt: number | null;
	durationMs: number | null;
	participants: UserId[];
}

/** The record: equal wherever it is made from the same documents. */
export interface ReportRecord {
	schemaVersion: typeof REPORT_SCHEMA_VERSION;
	conversation: { id: string; kind: 'direct' | 'case'; title: string; createdBy: UserId; createdAt: number };
	case: ReportCase | null;
	period: { from: number; to: number };
	organisations: { id: OrgId; name: string }[];
	members: ReportMember[];
	timeline: TimelineEntry[];
	whiteboards: ReportWhiteboard[];
	files: ReportFile[];
	calls: ReportCall[];
}

export interface ReportGenerator {
	/** The person who made it, or the relay's administrator. */
	id: string;
	name: string;
	on: 'device' | 'relay';
	language: ReportLocale;
}

/** What this particular bundle lacks: files whose bytes, boards whose document, were not where it was made. */
export interface BundleState {
	missingFiles: string[];
	missingWhiteboards: string[];
}

/** report.json */
export interface ServiceReport extends ReportRecord {
	generatedAt: number;
	generatedBy: ReportGenerator;
	bundle: BundleState;
}
