// `npm run admin -- backup` while people keep writing through the relay (chat messages, whiteboard strokes, file
// uploads), then `restore` into a new DATA_DIR and a new relay on it: every change acknowledged before the backup
// started is there, documents load, files download byte-identical, people sign in (their old sign-ins too). A
// damaged backup and a DATA_DIR that is not empty are refused; a backup with no relay running restores as well.
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocHandle } from '@automerge/automerge-repo';
import { afterAll, expect, it } from 'vitest';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { postMessage } from '../../src/lib/model/conversation.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { newWhiteboard, visibleElements } from '../../src/lib/whiteboard/board.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';
import { walk } from '../../sync-server/storage/chunk-files.ts';
import { api, login, runAdmin, spawnRelay, startRelay, type ChildRelay, type TestRelay } from '../helpers/relay.ts';
import { download, stroke, uploadFile } from '../helpers/relay-files.ts';
import { registeredCaseChat, useDirsAndClients } from '../helpers/signed-in.ts';
import { sleep, until } from './sync-harness.ts';

const { newDir, client } = useDirsAndClients('caseroom-backup-');
let child: ChildRelay | undefined;
let restored: TestRelay | undefined;
afterAll(async () => {
	await child?.kill('SIGKILL');
	await restored?.stop();
});

/** What a writer had acknowledged, and when the test heard it (after the relay said so). */
interface Acked {
	id: string;
	at: number;
}

/** Runs `write` again and again until `stop()`: each write that the relay acknowledged is noted with its time. */
function keepWriting(write: (i: number) => Promise<string | null>) {
	const acked: Acked[] = [];
	let running = true;
	const done = (async () => {
		for (let i = 0; running; i++) {
			const id = await write(i);
			if (id !== null) acked.push({ id, at: Date.now() });
		}
	})();
	done.catch(() => {}); // reported by stop()
	return { acked, stop: () => ((running = false), done) };
}

/** A change to the document, then the relay's acknowledgement of it (the app's "Reached the relay"). */
async function acknowledged<T>(owner: ClientRepo, handle: DocHandle<T>, id: string, change: (doc: T) => void): Promise<string | null> {
	handle.change(change);
	return (await owner.delivery.whenDelivered(handle as DocHandle<unknown>, 10_000)) ? id : null;
}

let backupDir = '';
let restoredDir = '';
let chats: DocHandle<ConversationDoc>[] = [];
const ackedBeforeBackup = { messages: [[], []] as string[][], strokes: [[], []] as string[][], files: [] as string[] };
const files = new Map<string, Buffer>();

it('backs up a relay that people keep writing to; the restore holds every change acknowledged before it started', async () => {
	const dataDir = newDir();
	child = await spawnRelay(dataDir);
	const url = child.url;
	const petr = await client(url, 'petr');
	const anna = await client(url, 'anna');
	const { token } = await login(url, 'petr');
	chats = [await registeredCaseChat(url, petr), await registeredCaseChat(url, petr)];
	const boards: DocHandle<WhiteboardDoc>[] = [];
	for (const chat of chats) {
		const board = petr.repo.create<WhiteboardDoc>(newWhiteboard({ conversationId: chat.documentId, title: 'Wire path', createdBy: asUserId('petr'), createdAt: Date.now() }));
		expect((await api(url, `/api/conversations/${chat.documentId}/documents`, { token, body: { documentId: board.documentId, kind: 'whiteboard' } })).status).toBe(201);
		expect(await petr.delivery.whenDelivered(board, 5000)).toBe(true);
		boards.push(board);
	}
	// Files already on the relay make the backup take a while: 12 of 1 MiB.
	for (let i = 0; i < 12; i++) ackedBeforeBackup.files.push(await uploadFile(url, token, chats[0]!.documentId, files, 1024 * 1024));

	// Petr writes in the first chat and draws on its board, Anna in the second (her own copies), and files keep coming.
	const annasChat = await anna.repo.find<ConversationDoc>(chats[1]!.url);
	const annasBoard = await anna.repo.find<WhiteboardDoc>(boards[1]!.url);
	const writers = [
		keepWriting((i) => acknowledged(petr, chats[0]!, `p${i}`, (d) => postMessage(d, { id: asMessageId(`p${i}`), author: asUserId('petr'), at: Date.now(), text: `Wire tension reading ${i}` }))),
		keepWriting((i) => acknowledged(anna, annasChat, `a${i}`, (d) => postMessage(d, { id: asMessageId(`a${i}`), author: asUserId('anna'), at: Date.now(), text: `Spindle at ${i * 100} rpm` }))),
		keepWriting((i) => acknowledged(petr, boards[0]!, `ps${i}`, (d) => stroke(d, `ps${i}`, 'petr', i))),
		keepWriting((i) => acknowledged(anna, annasBoard, `as${i}`, (d) => stroke(d, `as${i}`, 'anna', i))),
		keepWriting(async () => uploadFile(url, token, chats[1]!.documentId, files, 300 * 1024))
	];
	await until(() => writers.every((w) => w.acked.length >= 3), 30_000, 'every writer acknowledged thrice');

	backupDir = join(newDir(), 'backup');
	const started = Date.now();
	const backup = await runAdmin(dataDir, 'backup', backupDir);
	const ended = Date.now();
	await sleep(300);
	await Promise.all(writers.map((w) => w.stop()));
	expect(backup.stderr).toBe('');
	expect(backup.code).toBe(0);
	expect(backup.stdout).toMatch(/The relay went on taking changes throughout; only its log compaction was held, for \d+/);
	expect(backup.stdout).toMatch(/token key/);
	// The relay was not stopped: changes were acknowledged while the backup ran.
	const during = writers.flatMap((w) => w.acked).filter((a) => a.at > started && a.at < ended);
	expect(during.length, `${ended - started} ms of backup`).toBeGreaterThan(0);

	const before = (w: (typeof writers)[number]) => w.acked.filter((a) => a.at < started).map((a) => a.id);
	ackedBeforeBackup.messages = [before(writers[0]!), before(writers[1]!)];
	ackedBeforeBackup.strokes = [before(writers[2]!), before(writers[3]!)];
	ackedBeforeBackup.files.push(...before(writers[4]!));
	await child.kill('SIGKILL');

	// The backup is the relay's user's alone: it holds the token key.
	expect(statSync(backupDir).mode & 0o777).toBe(0o700);
	const backupFiles = await walk(backupDir);
	expect(backupFiles.map((f) => statSync(f).mode & 0o777).every((m) => m === 0o600)).toBe(true);
	const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
	expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['token-key', 'directory.jsonl']));
	expect(manifest.files.some((f: { path: string }) => f.path.startsWith('automerge/log/'))).toBe(true);

	restoredDir = newDir();
	const restore = await runAdmin(restoredDir, 'restore', backupDir);
	expect(restore.stderr).toBe('');
	expect(restore.stdout).toMatch(/^Restored \d+ files/);
	restored = await startRelay({ dataDir: restoredDir });

	// People sign in, and a sign-in from before the backup still works (the token key came along).
	expect((await api(restored.url, '/api/me', { token })).status).toBe(200);
	const annaAgain = await login(restored.url, 'anna');
	const listed = await api(restored.url, '/api/conversations', { token: annaAgain.token });
	expect(listed.body.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(chats.map((c) => c.documentId)));
	// Fresh devices load every conversation and board from the restored relay alone.
	const annaNew = await client(restored.url, 'anna');
	for (const [i, chat] of chats.entries()) {
		const doc = (await annaNew.repo.find<ConversationDoc>(chat.url)).doc();
		const ids = new Set<string>(doc.messages.map((m) => m.id));
		expect(ackedBeforeBackup.messages[i]!.filter((id) => !ids.has(id))).toEqual([]);
		const board = (await annaNew.repo.find<WhiteboardDoc>(boards[i]!.url)).doc();
		const strokes = new Set(visibleElements(board).map((e) => e.id));
		expect(ackedBeforeBackup.strokes[i]!.filter((id) => !strokes.has(id))).toEqual([]);
	}
	for (const sha of ackedBeforeBackup.files) {
		const conversation = chats[ackedBeforeBackup.files.indexOf(sha) < 12 ? 0 : 1]!.documentId;
		expect((await download(restored.url, annaAgain.token, conversation, sha)).equals(files.get(sha)!)).toBe(true);
	}
}, 120_000);

it('refuses a damaged backup, naming the file, and a DATA_DIR that is not empty or has a relay running', async () => {
	expect(restoredDir, 'the first test restored a backup').not.toBe('');
	const damaged = join(newDir(), 'damaged');
	cpSync(backupDir, damaged, { recursive: true });
	const chunk = join(damaged, 'blobs', ackedBeforeBackup.files[3]!, 'chunks', '2');
	const bytes = readFileSync(chunk);
	bytes[1000] = bytes[1000]! ^ 0xff;
	writeFileSync(chunk, bytes);
	const target = newDir();
	const refused = await runAdmin(target, 'restore', damaged);
	expect(refused.code).toBe(1);
	expect(refused.stderr).toContain(`The backup is damaged: blobs/${ackedBeforeBackup.files[3]}/chunks/2 does not match its SHA-256 in manifest.json`);
	expect(readdirSync(target)).toEqual([]);

	rmSync(join(damaged, 'manifest.json'));
	expect((await runAdmin(target, 'restore', damaged)).stderr).toMatch(/has no manifest\.json: it is not a Caseroom backup, or the backup did not finish/);

	// Into the DATA_DIR of the running restored relay, and into a stopped one that holds data.
	expect((await runAdmin(restoredDir, 'restore', backupDir)).stderr).toMatch(/A relay is running on .*: stop it first/);
	const used = newDir();
	writeFileSync(join(used, 'directory.jsonl'), '');
	const notEmpty = await runAdmin(used, 'restore', backupDir);
	expect(notEmpty.code).toBe(1);
	expect(notEmpty.stderr).toMatch(/is not empty \(it holds directory\.jsonl\): restore only fills an empty DATA_DIR/);
	expect(readFileSync(join(used, 'directory.jsonl'), 'utf8')).toBe('');
	// Nor does a backup go into a folder that holds something.
	expect((await runAdmin(restoredDir, 'backup', used)).stderr).toMatch(/is not empty: a backup goes into a new or empty folder/);
});

it('backs up a DATA_DIR with no relay running, and that backup restores too', async () => {
	expect(restoredDir, 'the first test restored a backup').not.toBe('');
	await restored!.stop();
	const offline = join(newDir(), 'offline');
	const backup = await runAdmin(restoredDir, 'backup', offline);
	expect(backup.stderr).toBe('');
	expect(backup.stdout).toMatch(/No relay was running; DATA_DIR was locked while it was copied/);
	const again = newDir();
	expect((await runAdmin(again, 'restore', offline)).code).toBe(0);
	restored = await startRelay({ dataDir: again });
	const petrAgain = await client(restored.url, 'petr');
	const doc = (await petrAgain.repo.find<ConversationDoc>(chats[0]!.url)).doc();
	const ids = new Set<string>(doc.messages.map((m) => m.id));
	expect(ackedBeforeBackup.messages[0]!.every((id) => ids.has(id))).toBe(true);
	expect((await runAdmin(newDir(), 'backup', join(newDir(), 'x'))).stderr).toMatch(/holds no relay data/);
});
