import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { attachFile, newConversation } from './conversation';
import type { ConversationDoc, FileMeta } from './conversation-schema';
import { isVoiceNote, MAX_THUMBNAIL_BYTES, thumbnailOf } from './file-media';
import { asMessageId, asUserId } from './ids';

const petr = { id: asUserId('petr'), name: 'Petr Novák' };
const anna = { id: asUserId('anna'), name: 'Anna Horáková' };
let n = 0;
const mid = () => asMessageId(`m${++n}`);

/** A version-1 document exactly as the first version wrote it: no thumbnails anywhere. */
function versionOneChat() {
	const doc = { ...newConversation({ kind: 'direct', title: 'Alarm', case: null, creator: petr, members: [anna], at: 1000, messageId: mid() }), schema: 1 };
	return A.from(doc as unknown as Record<string, unknown>) as A.Doc<ConversationDoc>;
}

const sha = (c: string) => c.repeat(64);
const photo = (extra: Partial<FileMeta> = {}): FileMeta => ({
	sha256: sha('b'),
	name: 'alarm screen.jpg',
	size: 3_400_000,
	type: 'image/jpeg',
	uploadedBy: petr.id,
	uploadedAt: 2000,
	thumbnail: { type: 'image/webp', width: 320, height: 240, bytes: new Uint8Array(12_000).fill(7) },
	pixels: { width: 4000, height: 3000 },
	...extra
});

describe('file media in the conversation document', () => {
	it('stores a thumbnail as bytes with the file, and reads it back after a save and load', () => {
		let doc = versionOneChat();
		doc = A.change(doc, (d) => attachFile(d, photo({ extra: 'not in the schema' } as Partial<FileMeta>), mid()));
		const loaded = A.load<ConversationDoc>(A.save(doc));
		const meta = loaded.files[sha('b')]!;
		expect(thumbnailOf(meta)).toMatchObject({ type: 'image/webp', width: 320, height: 240 });
		expect(thumbnailOf(meta)!.bytes).toBeInstanceOf(Uint8Array);
		expect(thumbnailOf(meta)!.bytes.length).toBe(12_000);
		expect(meta.pixels).toEqual({ width: 4000, height: 3000 });
		expect(meta).not.toHaveProperty('extra');
		// The document keeps the version it was made with and still reads.
		expect(loaded.schema).toBe(1);
	});

	it('reads files of older documents, which have no thumbnail', () => {
		let doc = versionOneChat();
		doc = A.change(doc, (d) => void (d.files[sha('c')] = { sha256: sha('c'), name: 'log.txt', size: 10, type: 'text/plain', uploadedBy: anna.id, uploadedAt: 3 }));
		expect(thumbnailOf(doc.files[sha('c')])).toBeNull();
		expect(thumbnailOf(undefined)).toBeNull();
		expect(isVoiceNote(doc.files[sha('c')])).toBe(false);
	});

	it('refuses a thumbnail over 30 KB, of another type, or of a wrong size, and a bad duration', () => {
		const doc = versionOneChat();
		const bad: Partial<FileMeta>[] = [
			{ thumbnail: { type: 'image/webp', width: 320, height: 240, bytes: new Uint8Array(MAX_THUMBNAIL_BYTES + 1) } },
			{ thumbnail: { type: 'image/png' as 'image/webp', width: 320, height: 240, bytes: new Uint8Array(10) } },
			{ thumbnail: { type: 'image/jpeg', width: 0, height: 240, bytes: new Uint8Array(10) } },
			{ thumbnail: { type: 'image/jpeg', width: 4000, height: 240, bytes: new Uint8Array(10) } },
			{ pixels: { width: 1.5, height: 2 } },
			{ durationMs: -1 },
			{ durationMs: Number.NaN }
		];
		for (const extra of bad) expect(() => A.change(doc, (d) => attachFile(d, photo(extra), mid()))).toThrow(/thumbnail|pixels|duration/);
	});

	it('ignores a damaged thumbnail that another device wrote', () => {
		let doc = versionOneChat();
		doc = A.change(doc, (d) => void (d.files[sha('d')] = { ...photo(), sha256: sha('d'), thumbnail: { type: 'image/webp', width: 320, height: 240, bytes: 'not bytes' } as never }));
		expect(thumbnailOf(doc.files[sha('d')])).toBeNull();
	});

	it('knows a voice note by its sound type and the duration its recorder noted', () => {
		const voice = { ...photo(), type: 'audio/webm', thumbnail: undefined, pixels: undefined, durationMs: 7400 };
		expect(isVoiceNote(voice)).toBe(true);
		expect(isVoiceNote({ ...voice, durationMs: undefined })).toBe(false);
		expect(isVoiceNote({ ...voice, type: 'image/jpeg' })).toBe(false);
	});
});
