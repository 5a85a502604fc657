// Reads no UI state. The service report's record from the conversation's documents: the conversation, its
// whiteboards as far as they are here, and the directory's organisations, people and cases. Pure and deterministic
// (sorted, nothing device-local), so a tablet and the relay make the same record from the same documents.
import { messagesInTimeOrder } from '../model/conversation';
import type { ConversationDoc, Message, Thumbnail } from '../model/conversation-schema';
import { isDuration, isVoiceNote, thumbnailOf } from '../model/file-media';
import { isDeleted } from '../model/message-edits';
import type { DirectoryView } from '../model/directory';
import type { OrgId, UserId } from '../model/ids';
import { visibleElements } from '../whiteboard/board';
import type { WhiteboardDoc } from '../whiteboard/schema';
import { isSafePicture } from '../files/sniff';
import { sanitizeFileName } from '../files/file-name';
import {
	REPORT_SCHEMA_VERSION,
	type BundleState,
	type ReportCall,
	type ReportCase,
	type ReportFile,
	type ReportGenerator,
	type ReportMember,
	type ReportRecord,
	type ReportWhiteboard,
	type ServiceReport,
	type TimelineEntry
} from './schema';

export interface ReportSources {
	conversationId: string;
	conversation: ConversationDoc;
	/** The boards' documents by id; a board whose document is not here is left out (or undefined). */
	whiteboards: ReadonlyMap<string, WhiteboardDoc | undefined>;
	/** What the directory says of the members' organisations and the case; null when it is not known here. */
	directory: Pick<DirectoryView, 'organisations' | 'people' | 'cases'> | null;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildReportRecord(src: ReportSources): ReportRecord {
	const doc = src.conversation;
	const timeline = messagesInTimeOrder(doc);
	const members = reportMembers(src);
	const caseRecord = reportCase(src);
	const orgIds = new Set<OrgId>([...members.map((m) => m.organisation), caseRecord?.organisation ?? null].filter((o): o is OrgId => o !== null));
	const organisations = (src.directory?.organisations ?? []).filter((o) => orgIds.has(o.id)).map((o) => ({ id: o.id, name: o.name }));
	const times = [doc.createdAt, ...timeline.map((m) => m.at)];
	return {
		schemaVersion: REPORT_SCHEMA_VERSION,
		conversation: { id: src.conversationId, kind: doc.kind, title: doc.title, createdBy: doc.createdBy, createdAt: doc.createdAt },
		case: caseRecord,
		period: { from: Math.min(...times), to: Math.max(...times) },
		organisations: organisations.sort((a, b) => byText(a.name, b.name)),
		members,
		timeline: timeline.map((m) => timelineEntry(doc, m)),
		whiteboards: reportWhiteboards(src),
		files: reportFiles(doc),
		calls: reportCalls(timeline)
	};
}

/** The whole report.json: the record, who made it and when, and what this bundle lacks. */
export function serviceReport(record: ReportRecord, generatedAt: number, generatedBy: ReportGenerator, bundle: BundleState): ServiceReport {
	return { ...record, generatedAt, generatedBy, bundle: { missingFiles: [...bundle.missingFiles].sort(), missingWhiteboards: [...bundle.missingWhiteboards].sort() } };
}

/** "CUT P 550 – wire breakage during roughing" names the machine before the dash. */
export function machineOf(caseTitle: string): string | null {
	const match = /^(.+?)\s+[–—-]\s+\S/.exec(caseTitle);
	return match ? match[1]!.trim() : null;
}

function reportCase(src: ReportSources): ReportCase | null {
	const ref = src.conversation.case;
	if (!ref) return null;
	const known = src.directory?.cases.find((c) => c.id === ref.id);
	return { id: ref.id, number: ref.number, machine: machineOf(ref.title), title: ref.title, organisation: known?.org ?? null };
}

function reportMembers(src: ReportSources): ReportMember[] {
	const people = new Map((src.directory?.people ?? []).map((p) => [p.id, p]));
	return (Object.entries(src.conversation.members) as [UserId, ConversationDoc['members'][UserId]][])
		.map(([id, m]) => {
			const person = people.get(id);
			const member: ReportMember = { id, name: m.name, organisation: person?.org ?? null, role: person?.role ?? null, addedAt: m.addedAt, addedBy: m.addedBy };
			if (m.removedAt !== undefined) Object.assign(member, { removedAt: m.removedAt, removedBy: m.removedBy });
			return member;
		})
		.sort((a, b) => a.addedAt - b.addedAt || byText(a.name, b.name) || byText(a.id, b.id));
}

function timelineEntry(doc: ConversationDoc, m: Message): TimelineEntry {
	const base = { id: m.id, at: m.at, author: m.author };
	switch (m.kind) {
		case 'text': {
			// A deletion merged with an edit made elsewhere at the same time may leave text behind: it is still deleted.
			const deleted = isDeleted(m);
			return {
				...base,
				kind: 'text',
				text: deleted ? '' : m.text,
				replyTo: m.replyTo ?? null,
				mentions: deleted ? [] : [...(m.mentions ?? [])],
				editedAt: m.editedAt ?? null,
				deletedAt: m.deletedAt ?? null
			};
		}
		case 'system': {
			const e = m.event;
			if (e.type === 'created') return { ...base, kind: 'event', event: 'created', members: [] };
			const left = e.type === 'members-removed' && e.members.length === 1 && e.members[0] === m.author;
			return { ...base, kind: 'event', event: left ? 'left' : e.type, members: [...e.members] };
		}
		case 'whiteboard':
			return { ...base, kind: 'whiteboard', whiteboard: m.documentId };
		case 'file': {
			const meta = doc.files[m.sha256];
			return { ...base, kind: 'file', sha256: m.sha256, photo: isSafePicture(meta?.type ?? ''), voiceNote: isVoiceNote(meta) };
		}
		case 'call':
			return { ...base, kind: 'call', event: m.event, call: m.startedId ?? m.id, participants: [...m.participants], durationMs: m.durationMs ?? null };
	}
}

function reportWhiteboards(src: ReportSources): ReportWhiteboard[] {
	const refs = Object.values(src.conversation.whiteboards).sort((a, b) => a.createdAt - b.createdAt || byText(a.documentId, b.documentId));
	const paths = bundlePaths('whiteboards', refs.map((r) => `${r.title}.png`));
	return refs.map((ref, i) => {
		const board = src.whiteboards.get(ref.documentId);
		return { id: ref.documentId, title: ref.title, createdBy: ref.createdBy, createdAt: ref.createdAt, elementCount: board ? visibleElements(board).length : null, path: paths[i]! };
	});
}

function reportFiles(doc: ConversationDoc): ReportFile[] {
	const files = Object.values(doc.files).sort((a, b) => a.uploadedAt - b.uploadedAt || byText(a.sha256, b.sha256));
	const paths = bundlePaths('files', files.map((f) => f.name));
	return files.map((f, i) => {
		const thumbnail = thumbnailOf(f);
		return {
			sha256: f.sha256,
			name: f.name,
			type: f.type,
			size: f.size,
			sharedBy: f.uploadedBy,
			sharedAt: f.uploadedAt,
			path: paths[i]!,
			durationMs: isDuration(f.durationMs) ? f.durationMs : null,
			thumbnail: thumbnail && { type: thumbnail.type, width: thumbnail.width, height: thumbnail.height, size: thumbnail.bytes.length }
		};
	});
}

/** The photos' thumbnails the conversation holds, by SHA-256: what report.html shows them with (not in the record). */
export function thumbnailsOf(doc: ConversationDoc): Map<string, Thumbnail> {
	return new Map(Object.values(doc.files).flatMap((f) => {
		const thumbnail = thumbnailOf(f);
		return thumbnail ? [[f.sha256, thumbnail] as const] : [];
	}));
}

function reportCalls(timeline: Message[]): ReportCall[] {
	const calls: ReportCall[] = [];
	const ends = new Map(timeline.flatMap((m) => (m.kind === 'call' && m.event === 'ended' && m.startedId ? [[m.startedId, m] as const] : [])));
	for (const m of timeline) {
		if (m.kind !== 'call' || m.event !== 'started') continue;
		const end = ends.get(m.id);
		calls.push({
			id: m.id,
			startedBy: m.author,
			startedAt: m.at,
			endedAt: end?.at ?? null,
			durationMs: end?.durationMs ?? null,
			participants: [...(end?.participants ?? m.participants)]
		});
	}
	return calls;
}

/**
 * Safe, unique paths in the bundle for names typed by people: `folder/name`, a second "photo.jpg" becomes
 * "photo (2).jpg". Nothing that `sha256sum -c` would read differently (no backslash, no line break).
 */
export function bundlePaths(folder: string, names: readonly string[]): string[] {
	const taken = new Set<string>();
	return names.map((raw) => {
		const name = sanitizeFileName(raw).replace(/\\/g, '_');
		const dot = name.lastIndexOf('.');
		const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
		let candidate = name;
		for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
		taken.add(candidate.toLowerCase());
		return `${folder}/${candidate}`;
	});
}
