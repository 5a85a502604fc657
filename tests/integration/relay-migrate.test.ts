// `npm run admin -- migrate`: a single relay on DATA_DIR, written to by real clients (messages, a whiteboard, files),
// moved onto PostgreSQL and S3 (a server and an s3rver of this file's own), then a relay on those: every message and
// stroke is there, files download byte-identical, and a sign-in from before still works (the token key moved). It is
// refused while the relay runs, and into a database another relay already used; a missing or damaged object in the
// bucket and a missing document fail the check, naming them, and running migrate again repairs them.
import type { DocHandle } from '@automerge/automerge-repo';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { postMessage } from '../../src/lib/model/conversation.ts';
import { asMessageId, asUserId } from '../../src/lib/model/ids.ts';
import type { ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { newWhiteboard, visibleElements } from '../../src/lib/whiteboard/board.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';
import { createS3ObjectStore } from '../../sync-server/files/s3-objects.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { download, stroke, uploadFile } from '../helpers/relay-files.ts';
import { api, login, runAdminWith, startRelay, type TestRelay } from '../helpers/relay.ts';
import { startS3, type TestS3 } from '../helpers/s3-server.ts';
import { registeredCaseChat, useDirsAndClients } from '../helpers/signed-in.ts';
import { shutdownAll } from './sync-harness.ts';

let postgres: TestPostgres;
let s3: TestS3;
const { newDir, client, clients } = useDirsAndClients('caseroom-migrate-');
const relays: TestRelay[] = [];
beforeAll(async () => {
	[postgres, s3] = await Promise.all([startPostgres(), startS3()]);
}, 60_000);
afterAll(async () => {
	await Promise.all(relays.map((r) => r.close()));
	await Promise.all([postgres?.close(), s3?.close()]);
});

/** What the first test wrote on the single relay, for the others. */
const written = { dataDir: '', databaseUrl: '', token: '', chat: '', files: new Map<string, Buffer>() };
async function inDatabase<T>(url: string, use: (db: pg.Client) => Promise<T>): Promise<T> {
	const db = new pg.Client({ connectionString: url });
	await db.connect();
	try {
		return await use(db);
	} finally {
		await db.end();
	}
}

const migrate = (...args: string[]) => runAdminWith({ DATA_DIR: written.dataDir, DATABASE_URL: written.databaseUrl, ...s3.env }, 'migrate', ...args);

it('moves a single relay onto PostgreSQL and S3: every message, stroke and file, and people stay signed in', { timeout: 120_000 }, async () => {
	written.dataDir = newDir();
	written.databaseUrl = await postgres.createDatabase();
	const single = await startRelay({ dataDir: written.dataDir });
	const petr = await client(single.url, 'petr');
	const chat = await registeredCaseChat(single.url, petr);
	const { token } = await login(single.url, 'petr');
	const board = petr.repo.create<WhiteboardDoc>(newWhiteboard({ conversationId: chat.documentId, title: 'Wire path', createdBy: asUserId('petr'), createdAt: Date.now() }));
	expect((await api(single.url, `/api/conversations/${chat.documentId}/documents`, { token, body: { documentId: board.documentId, kind: 'whiteboard' } })).status).toBe(201);
	for (let i = 0; i < 30; i++) {
		chat.change((d) => postMessage(d, { id: asMessageId(`reading-${i}`), author: asUserId('petr'), at: Date.now(), text: `Wire tension reading ${i}` }));
		board.change((d) => stroke(d, `s${i}`, 'petr', i * 10));
	}
	for (const handle of [chat, board] as DocHandle<unknown>[]) expect(await petr.delivery.whenDelivered(handle, 10_000)).toBe(true);
	// A file of several chunks and a small one.
	for (const size of [2.5 * 1024 * 1024, 1000]) await uploadFile(single.url, token, chat.documentId, written.files, size);
	Object.assign(written, { token, chat: chat.documentId });

	// Not while the relay runs: nothing is copied.
	const refused = await migrate();
	expect(refused.code).toBe(1);
	expect(refused.stderr).toMatch(/Another Caseroom relay \(pid \d+\) is using .*\. Stop it first.* migrate copies a stopped relay/);
	await shutdownAll(clients.splice(0));
	await single.stop();

	const done = await migrate();
	expect(done.stderr).toBe('');
	expect(done.code).toBe(0);
	expect(done.stdout).toMatch(/Migrated .* into PostgreSQL 127\.0\.0\.1:\d+\/caseroom_\S+ and s3:\/\/caseroom-files at http:\/\/127\.0\.0\.1:\d+:/);
	expect(done.stdout).toMatch(/directory: 3 organisations, 6 people, 3 service cases, 1 conversations \(2 memberships\)/);
	expect(done.stdout).toMatch(/Check: all equal\. \d+ documents with the same heads, 2 files \(2\.5 MiB, \d+ objects\) with the same SHA-256, the same directory/);

	// A node on the shared stores, with a DATA_DIR of its own (the key comes from the database).
	const node = await startRelay({ dataDir: newDir(), databaseUrl: written.databaseUrl, s3: s3.config });
	relays.push(node);
	expect((await api(node.url, '/api/me', { token })).status).toBe(200);
	const anna = await client(node.url, 'anna');
	const annasChat = (await anna.repo.find<ConversationDoc>(chat.url)).doc();
	expect(annasChat.messages.filter((m) => m.id.startsWith('reading-')).map((m) => m.id)).toEqual(Array.from({ length: 30 }, (_, i) => `reading-${i}`));
	const annasBoard = (await anna.repo.find<WhiteboardDoc>(board.url)).doc();
	expect(visibleElements(annasBoard).length).toBe(30);
	const annasToken = (await login(node.url, 'anna')).token;
	for (const [sha, bytes] of written.files) expect((await download(node.url, annasToken, chat.documentId, sha)).equals(bytes)).toBe(true);
	await shutdownAll(clients.splice(0));
	await relays.pop()!.close();
});

it('fails the check on a missing or changed object in the bucket and a missing document, naming them, and a second run repairs them', { timeout: 60_000 }, async () => {
	expect(written.chat, 'the first test migrated').not.toBe('');
	const [big] = written.files.keys();
	const bucket = createS3ObjectStore(s3.config);
	await bucket.remove(`${big}/chunks/1`);
	await bucket.put(`${big}/chunks/2`, new Uint8Array(100));
	// And the conversation's document, as if the first run had stopped before it.
	await inDatabase(written.databaseUrl, async (db) => {
		for (const table of ['document_changes', 'document_snapshots']) await db.query(`DELETE FROM ${table} WHERE document_id = $1`, [written.chat]);
	});

	const check = await migrate('--check-only');
	expect(check.code).toBe(1);
	expect(check.stderr).toMatch(/^Compared .* with PostgreSQL/);
	expect(check.stderr).toContain('Check: 3 differences between');
	expect(check.stderr).toContain(`document ${written.chat}: missing in the target`);
	expect(check.stderr).toContain(`file object ${big}/chunks/1: missing in s3://caseroom-files`);
	expect(check.stderr).toMatch(new RegExp(`file object ${big}/chunks/2: SHA-256 [0-9a-f]{12}… in s3://caseroom-files at \\S+, [0-9a-f]{12}… in DATA_DIR \\(100 and 262144 bytes\\)`));
	expect(check.stderr).toContain('Run `npm run admin -- migrate` (without --check-only): it copies what is missing or different and checks again.');

	const again = await migrate();
	expect(again.code).toBe(0);
	expect(again.stdout).toMatch(/directory: .* \(already there\)/);
	expect(again.stdout).toMatch(/documents: 1 copied \(0\.0 MiB\), \d+ already there/);
	expect(again.stdout).toMatch(/files: 2 objects copied \(0\.5 MiB\), \d+ already there/);
	expect(again.stdout).toContain('Check: all equal.');
});

it('refuses a database another relay already used, and says what the target must be', { timeout: 60_000 }, async () => {
	expect(written.chat, 'the first test migrated').not.toBe('');
	// A relay started on an empty database loads the demo directory: the same people, other password hashes.
	const used = await postgres.createDatabase();
	await (await startRelay({ databaseUrl: used })).close();
	const refused = await runAdminWith({ DATA_DIR: written.dataDir, DATABASE_URL: used, ...s3.env }, 'migrate');
	expect(refused.code).toBe(1);
	expect(refused.stderr).toMatch(/already holds another directory \(3 organisations, 6 people, .*\); migrate never merges two directories, so nothing was copied/);
	expect(refused.stderr).toContain('person petr: passwordHash differs');
	expect(refused.stderr).toContain(`conversation ${written.chat}: missing in the target`);
	expect(refused.stderr).toMatch(/migrate into a new, empty database/);
	expect(await inDatabase(used, async (db) => (await db.query('SELECT count(*)::int AS n FROM document_changes')).rows[0].n)).toBe(0);

	const nowhere = await runAdminWith({ DATA_DIR: written.dataDir, DATABASE_URL: '' }, 'migrate');
	expect(nowhere.code).toBe(1);
	expect(nowhere.stderr).toMatch(/migrate copies a relay into PostgreSQL: set DATABASE_URL/);
});
