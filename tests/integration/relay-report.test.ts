// `npm run admin -- report` on a stopped relay's DATA_DIR: the conversation (with a reply, an edit, a deletion, a
// photo and a voice note) and its boards as the relay stored them, the directory's people and case, and the files it
// holds (the photo never reached it, so it is listed missing with its SHA-256, and report.html shows it from the
// thumbnail in the conversation). The record equals the one the app builds from its own copy of the documents.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { asOrgId, asUserId } from '../../src/lib/model/ids.ts';
import { demoCases, demoOrganisations, demoPeople } from '../../src/lib/model/demo.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';
import { buildReportRecord } from '../../src/lib/report/build.ts';
import { bytesToBase64 } from '../../src/lib/report/escape.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { reportConversation, THUMBNAIL } from '../helpers/report-conversation.ts';
import { api, login, runAdmin, startRelay, tempDataDir } from '../helpers/relay.ts';
import { signedInClient } from '../helpers/signed-in.ts';
import { shutdownAll } from './sync-harness.ts';

const dataDir = tempDataDir();
const clients: ClientRepo[] = [];
afterAll(async () => {
	await shutdownAll(clients);
	rmSync(dataDir, { recursive: true, force: true });
});

it('makes the bundle from what the relay holds, with a file it never received listed as missing', async () => {
	const relay = await startRelay({ dataDir });
	const petr = await signedInClient(relay.url, 'petr');
	clients.push(petr);
	const { token } = await login(relay.url, 'petr');
	const conversation = petr.repo.create<ConversationDoc>();
	const boards = [0, 1].map(() => petr.repo.create<WhiteboardDoc>());
	const fixture = reportConversation({ conversationId: conversation.documentId, messages: 12, photos: 1, whiteboards: 2, boardId: (i) => boards[i]!.documentId });
	conversation.change((d) => Object.assign(d, fixture.doc));
	for (const board of boards) board.change((d) => Object.assign(d, fixture.boards.get(board.documentId)!));
	expect((await api(relay.url, '/api/conversations', { token, body: { documentId: conversation.documentId, kind: 'case', caseId: 'SC-1042', members: ['anna'] } })).status).toBe(201);
	for (const board of boards) expect((await api(relay.url, `/api/conversations/${conversation.documentId}/documents`, { token, body: { documentId: board.documentId, kind: 'whiteboard' } })).status).toBe(201);
	for (const handle of [conversation, ...boards]) expect(await petr.delivery.whenDelivered(handle, 10_000)).toBe(true);
	// The log file and the voice note reach the relay through the files API; the photo never does.
	const file = (name: string) => fixture.files.find((f) => f.meta.name === name)!;
	const photo = file('photo-1.png');
	for (const { meta, manifest, bytes } of [file('generator.log'), file('voice-note.webm')]) {
		const files = `/api/conversations/${conversation.documentId}/files/${meta.sha256}`;
		expect((await api(relay.url, `${files}/manifest`, { token, body: manifest })).status).toBeLessThan(300);
		for (let i = 0; i < manifest.chunks.length; i++) {
			const chunk = bytes.subarray(i * manifest.chunkSize, (i + 1) * manifest.chunkSize);
			expect((await fetch(`${relay.url}${files}/chunks/${i}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: chunk as Uint8Array<ArrayBuffer> })).status).toBeLessThan(300);
		}
	}
	await relay.stop();

	const out = join(dataDir, 'report.zip');
	const made = await runAdmin(dataDir, 'report', conversation.documentId, '--out', out, '--language', 'cs');
	expect(made.stderr).toBe('');
	expect(made.code).toBe(0);
	expect(made.stdout).toContain('1 files are not (all) on the relay yet');
	execFileSync('unzip', ['-q', out, '-d', join(dataDir, 'unpacked')]);
	const dir = join(dataDir, 'unpacked');
	expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir }).status).toBe(0);
	expect(readdirSync(join(dir, 'files')).sort()).toEqual(['generator.log', 'voice-note.webm']);
	expect(readdirSync(join(dir, 'whiteboards')).sort()).toEqual(['Wire path 1.png', 'Wire path 2.png']);
	const { generatedAt, generatedBy, bundle, ...record } = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
	expect(generatedAt).toBeGreaterThan(0);
	expect(generatedBy).toEqual({ id: 'relay-admin', name: 'Relay administrator', on: 'relay', language: 'cs' });
	expect(bundle).toEqual({ missingFiles: [photo.meta.sha256], missingWhiteboards: [] });
	const people = demoPeople.map((p) => ({ id: asUserId(p.username), username: p.username, name: p.name, org: asOrgId(p.org), role: p.role, disabled: false }));
	const onDevice = buildReportRecord({
		conversationId: conversation.documentId,
		conversation: conversation.doc(),
		whiteboards: new Map(boards.map((b) => [b.documentId, b.doc()])),
		directory: { organisations: demoOrganisations, people, cases: demoCases }
	});
	expect(record).toEqual(JSON.parse(JSON.stringify(onDevice)));
	expect(record.schemaVersion).toBe(2);
	const entry = (id: string) => record.timeline.find((e: { id: string }) => e.id === id);
	expect(entry('m-reply')).toMatchObject({ replyTo: 'm-t1', mentions: ['petr'] });
	expect(entry('m-t4')).toMatchObject({ text: expect.stringContaining('(corrected)'), editedAt: expect.any(Number) });
	expect(entry('m-t6')).toMatchObject({ text: '', deletedAt: expect.any(Number) });
	expect(entry('m-voice')).toMatchObject({ voiceNote: true });
	expect(record.files.find((f: { name: string }) => f.name === 'voice-note.webm')).toMatchObject({ durationMs: 12_400 });
	expect(record.files.find((f: { name: string }) => f.name === 'photo-1.png')).toMatchObject({ thumbnail: { type: 'image/jpeg', width: 192, height: 128 } });
	const html = readFileSync(join(dir, 'report.html'), 'utf8');
	expect(html).toContain('Servisní zpráva');
	expect(html).toContain(photo.meta.sha256);
	// In Czech: the deleted message, the edit, the voice note; the photo the relay never received, from its thumbnail.
	expect(html).toContain('Zpráva smazána');
	expect(html).toContain('(upraveno ');
	expect(html).toContain('poslal(a) hlasovou zprávu (12 s): voice-note.webm');
	expect(html).toContain(`<figure><img src="data:image/jpeg;base64,${bytesToBase64(THUMBNAIL.bytes)}" data-photo="${photo.meta.sha256}" alt="photo-1.png"`);

	const unknown = await runAdmin(dataDir, 'report', 'no-such-conversation', '--out', join(dataDir, 'x.zip'));
	expect(unknown.code).toBe(1);
	expect(unknown.stderr).toContain('There is no conversation no-such-conversation on this relay.');
	expect((await runAdmin(dataDir, 'report')).stderr).toContain('report needs a conversation id');
});
