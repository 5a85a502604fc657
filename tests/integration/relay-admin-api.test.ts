// /api/admin against the real relay: only an administrator gets in (401 without a valid token, 403 for anyone else),
// bad bodies get a 400 that says what was wrong, a disabled person's sync closes at once, a case import is
// idempotent and all-or-nothing, a removed member loses the conversation, and every action (the command line's too)
// is in the audit log, which survives a restart.
import { rmSync } from 'node:fs';
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAdminCommand } from '../../sync-server/admin/socket.ts';
import { signedInClient } from '../helpers/signed-in.ts';
import { api, login, startRelay, tempDataDir, type TestRelay } from '../helpers/relay.ts';
import { until } from './sync-harness.ts';

const dataDir = tempDataDir();
let relay: TestRelay;
let admin: string;
let anna: string;
beforeAll(async () => {
	relay = await startRelay({ dataDir });
	admin = (await login(relay.url, 'admin')).token;
	anna = (await login(relay.url, 'anna')).token;
});
afterAll(async () => {
	await relay.close();
	rmSync(dataDir, { recursive: true, force: true });
});

const as = (token: string, path: string, body?: unknown) => api(relay.url, `/api/admin/${path}`, { token, body });

describe('who may use /api/admin', () => {
	it('tells the app who is an administrator', async () => {
		expect((await login(relay.url, 'admin')).user).toMatchObject({ id: 'admin', org: 'GFMS', admin: true });
		expect((await login(relay.url, 'anna')).user).not.toHaveProperty('admin');
	});

	it('answers 401 without a valid token and 403 to a person who is not an administrator', async () => {
		expect((await api(relay.url, '/api/admin/people')).status).toBe(401);
		// Anna's token with its subject changed to the administrator: the signature no longer matches.
		const [payload, signature] = anna.split('.') as [string, string];
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
		const forged = `${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${signature}`;
		expect(await as(forged, 'people')).toMatchObject({ status: 401, body: { error: expect.stringMatching(/not valid/) } });
		expect((await as('nonsense', 'people')).status).toBe(401);

		const refused = await as(anna, 'people/petr/disable', {});
		expect(refused).toMatchObject({ status: 403, body: { error: expect.stringMatching(/Only administrators/) } });
		expect((await as(anna, 'audit')).status).toBe(403);
		expect((await as(admin, 'people')).body.find((p: { id: string }) => p.id === 'petr')).toMatchObject({ disabled: false, orgName: 'GFMS', admin: false });
	});

	it('refuses malformed requests with a 400 that says what is wrong', async () => {
		const raw = await api(relay.url, '/api/admin/people', { token: admin, body: '{"username": ', headers: { 'content-type': 'application/json' } });
		expect(raw).toMatchObject({ status: 400, body: { error: 'The request body is not valid JSON.' } });
		expect((await as(admin, 'people', [1])).body.error).toBe('The request body must be a JSON object.');
		expect((await as(admin, 'people', { name: 'X', org: 'acme', role: 'customer' })).body.error).toBe('"username" must be text.');
		expect(await as(admin, 'people', { username: 'x', name: 'X', org: 'acme', role: 'boss' })).toMatchObject({ status: 400, body: { error: 'The role must be engineer or customer.' } });
		expect(await as(admin, 'people', { username: 'x', name: 'X', org: 'nowhere', role: 'customer' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/no organisation "nowhere"/) } });
		expect(await as(admin, 'people', { username: 'anna', name: 'X', org: 'acme', role: 'customer', password: 'long-enough' })).toMatchObject({ status: 409 });
		expect(await as(admin, 'people', { username: 'x', name: 'X', org: 'acme', role: 'customer', admin: 'yes' })).toMatchObject({ status: 400, body: { error: '"admin" must be true or false.' } });
		expect(await as(admin, 'cases/import', { format: 'xml', text: '' })).toMatchObject({ status: 400, body: { error: '"format" must be "csv" or "json".' } });
		expect(await as(admin, 'people/nobody/disable', {})).toMatchObject({ status: 404, body: { error: 'There is no person "nobody".' } });
		expect(await as(admin, 'people/admin/disable', {})).toMatchObject({ status: 400, body: { error: expect.stringMatching(/cannot disable your own account/) } });
		expect(await as(admin, 'organisations', { id: 'acme', name: 'Again' })).toMatchObject({ status: 409 });
		expect((await as(admin, 'cases/SC-9999/close', {})).status).toBe(404);
	});
});

describe('people', () => {
	it('adds a person with a password shown once, resets it, and moves them to another organisation', async () => {
		const added = await as(admin, 'people', { username: 'Vera', name: 'Věra Malá', org: 'acme', role: 'customer' });
		expect(added.status).toBe(201);
		const first = (await login(relay.url, 'vera', added.body.password)).token;
		const reset = await as(admin, 'people/vera/password', { password: 'vera-new-pass' });
		expect(reset.body).not.toHaveProperty('password');
		expect((await api(relay.url, '/api/me', { token: first })).status).toBe(401);
		expect((await as(admin, 'people/vera/organisation', { org: 'beta' })).status).toBe(200);
		expect((await login(relay.url, 'vera', 'vera-new-pass')).user).toMatchObject({ org: 'Beta Tools a.s.', role: 'customer' });
	});

	it("closes a disabled person's sync connection at once and refuses their token; enabling lets them sign in again", async () => {
		const tomas = await signedInClient(relay.url, 'tomas');
		try {
			const token = (await login(relay.url, 'tomas')).token;
			expect(await as(admin, 'people/tomas/disable', {})).toMatchObject({ status: 200, body: { message: expect.stringMatching(/Disabled tomas/) } });
			await until(() => tomas.connection.current.status !== 'online', 2000, "tomas's sync closed");
			expect((await api(relay.url, '/api/me', { token })).status).toBe(401);
			expect((await as(admin, 'people/tomas/enable', {})).status).toBe(200);
			expect((await login(relay.url, 'tomas')).user.id).toBe('tomas');
		} finally {
			await tomas.shutdown();
		}
	});
});

describe('service cases', () => {
	const csv = ['number,title,org', 'SC-3001,CUT E 350 – flushing,acme', 'SC-3002,FORM X 400 – axis drift,Beta Tools a.s.', 'SC-1042,CUT P 550 – wire breakage during roughing (2),acme'].join('\n');
	const numbers = async () => (await as(admin, 'cases')).body.map((c: { number: string }) => c.number);

	it('imports a file idempotently: the same file twice changes nothing, a known number is updated', async () => {
		const first = await as(admin, 'cases/import', { format: 'csv', text: csv, fileName: 'export.csv' });
		expect(first.body.counts).toEqual({ added: 2, updated: 1, unchanged: 0 });
		const again = await as(admin, 'cases/import', { format: 'csv', text: csv, fileName: 'export.csv' });
		expect(again.body.counts).toEqual({ added: 0, updated: 0, unchanged: 3 });
		expect((await numbers()).filter((n: string) => n === 'SC-1042')).toHaveLength(1);
		const seen = await api(relay.url, '/api/directory', { token: anna });
		expect(seen.body.cases).toContainEqual({ id: 'SC-1042', number: 'SC-1042', title: 'CUT P 550 – wire breakage during roughing (2)', org: 'acme' });
	});

	it('applies nothing of a file with a bad row, and names the row', async () => {
		const json = JSON.stringify([{ number: 'SC-4001', title: 'Good', org: 'acme' }, { number: 'SC-4002', title: 'Bad', org: 'gamma' }]);
		const refused = await as(admin, 'cases/import', { format: 'json', text: json });
		expect(refused).toMatchObject({ status: 400, body: { error: expect.stringMatching(/nothing was imported/), rows: [{ row: 2, message: expect.stringMatching(/"gamma"/) }] } });
		expect(await numbers()).not.toContain('SC-4001');
	});

	it('closes a case: customers still see it, marked closed', async () => {
		expect((await as(admin, 'cases/SC-3001/close', {})).status).toBe(200);
		const seen = await api(relay.url, '/api/directory', { token: anna });
		expect(seen.body.cases.find((c: { number: string }) => c.number === 'SC-3001')).toMatchObject({ closed: true });
	});
});

describe('conversations and the audit log', () => {
	it('lists conversations with their members and removes a member, who loses it at once', async () => {
		const petr = (await login(relay.url, 'petr')).token;
		const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
		const registered = await api(relay.url, '/api/conversations', { token: petr, body: { documentId, kind: 'case', caseId: 'SC-1042', members: ['anna', 'tomas'] } });
		expect(registered.status).toBe(201);
		const listed = (await as(admin, 'conversations')).body.find((c: { id: string }) => c.id === documentId);
		expect(listed).toMatchObject({ kind: 'case', caseNumber: 'SC-1042', members: [{ id: 'petr', name: 'Petr Novák' }, { id: 'anna', name: 'Anna Horáková' }, { id: 'tomas', name: 'Tomáš Marek' }] });

		expect((await as(admin, `conversations/${documentId}/members/remove`, { username: 'anna' })).status).toBe(200);
		expect((await api(relay.url, '/api/conversations', { token: anna })).body.map((c: { id: string }) => c.id)).not.toContain(documentId);
		expect(await as(admin, `conversations/${documentId}/members/remove`, { username: 'anna' })).toMatchObject({ status: 400, body: { error: 'anna is not a member of this conversation.' } });
	});

	it('records who did what, the command line too, and keeps it across a restart', async () => {
		expect(await sendAdminCommand(relay.dataDir, ['close-case', 'SC-2001'])).toMatchObject({ ok: true });
		const before = (await as(admin, 'audit')).body;
		expect(before[0]).toMatchObject({ by: null, byName: null, action: 'case.close', target: 'SC-2001' });
		expect(before).toContainEqual(expect.objectContaining({ by: 'admin', byName: 'Alena Správcová', action: 'person.disable', target: 'tomas' }));
		expect(before).toContainEqual(expect.objectContaining({ action: 'case.import', target: 'export.csv', counts: { added: 0, updated: 0, unchanged: 3 } }));
		expect(before).toContainEqual(expect.objectContaining({ action: 'conversation.removeMember', detail: 'anna' }));
		expect(before.every((e: { at: number }, i: number) => i === 0 || e.at <= before[i - 1].at)).toBe(true);
		// Refusals change nothing, so they are not actions to log.
		expect(before.some((e: { target: string }) => e.target === 'nobody')).toBe(false);

		await relay.stop();
		relay = await startRelay({ dataDir });
		const token = (await login(relay.url, 'admin')).token;
		expect((await as(token, 'audit')).body).toEqual(before);
	});
});
