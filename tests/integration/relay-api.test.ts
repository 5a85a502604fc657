// The relay's JSON API as the app and an attacker see it: sign-in, tokens, the directory, and the conversation
// registry enforcing CONTRACT.md's "Who may talk to whom".
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo/slim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAdminCommand } from '../../sync-server/admin/socket.ts';
import { api, login, startRelay, type TestRelay } from '../helpers/relay.ts';

const newDocumentId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId as string;

let relay: TestRelay;
let offsetMs = 0;
beforeAll(async () => {
	// The clock is the relay's own, moved forward by tests that need time to pass.
	relay = await startRelay({}, { now: () => Date.now() + offsetMs });
});
afterAll(() => relay?.close());

describe('health and errors', () => {
	it('answers /health', async () => {
		const res = await api(relay.url, '/health');
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ ok: true, version: expect.any(String), uptimeSeconds: expect.any(Number) });
	});

	it('answers bad requests with a JSON error and the right status', async () => {
		const malformed = await api(relay.url, '/api/login', { body: '{"username": "anna", ' });
		expect(malformed.status).toBe(400);
		expect(malformed.body.error).toMatch(/not valid JSON/);

		const notJson = await api(relay.url, '/api/login', { body: 'username=anna', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(notJson.status).toBe(400);
		expect(notJson.body.error).toMatch(/JSON/);

		const huge = await api(relay.url, '/api/login', { body: { username: 'anna', password: 'x'.repeat(70 * 1024) } });
		expect(huge.status).toBe(413);
		expect(huge.body.error).toMatch(/larger than 65536 bytes/);

		// Without a Content-Length the relay stops reading at the limit instead of buffering it all.
		const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
		let chunks = 0;
		const stream = new ReadableStream({ pull: (c) => (chunks++ < 1000 ? c.enqueue(chunk) : c.close()) });
		const streamed = await fetch(`${relay.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
		expect(streamed.status).toBe(413);
		expect(chunks).toBeLessThan(1000);

		const unknown = await api(relay.url, '/api/nothing-here');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error).toMatch(/no API/);

		const wrongMethod = await api(relay.url, '/api/login', { method: 'GET' });
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.headers.get('allow')).toBe('POST');
		expect(wrongMethod.body.error).toBeTypeOf('string');

		// The relay still serves everyone afterwards.
		expect((await api(relay.url, '/health')).status).toBe(200);
	});
});

describe('signing in', () => {
	it('returns a token and the user', async () => {
		const session = await login(relay.url, 'anna');
		expect(session.user).toEqual({
			id: 'anna',
			name: 'Anna Horáková',
			org: 'Acme Precision s.r.o.',
			orgId: 'acme',
			role: 'customer',
			username: 'anna',
			personalDocumentId: expect.stringMatching(/^[1-9A-HJ-NP-Za-km-z]+$/)
		});
		expect(session.expiresAt).toBeGreaterThan(Date.now() + 13 * 24 * 3600_000);
		const me = await api(relay.url, '/api/me', { token: session.token });
		expect(me.status).toBe(200);
		expect(me.body.id).toBe('anna');
		expect((await api(relay.url, '/api/ice-servers', { token: session.token })).body).toEqual({ iceServers: [] });
		expect((await api(relay.url, '/api/ice-servers')).status).toBe(401);
	});

	it('refuses a wrong password and an unknown user with the same 401', async () => {
		const wrong = await api(relay.url, '/api/login', { body: { username: 'eva', password: 'nope' } });
		const unknown = await api(relay.url, '/api/login', { body: { username: 'nobody', password: 'demo' } });
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(wrong.body).toEqual({ error: 'Wrong username or password.' });
		expect(unknown.body).toEqual(wrong.body);
	});

	it('slows down repeated failures for one username', async () => {
		for (let i = 0; i < 5; i++)
			expect((await api(relay.url, '/api/login', { body: { username: 'jan', password: `guess${i}` } })).status).toBe(401);
		const throttled = await api(relay.url, '/api/login', { body: { username: 'jan', password: 'demo' } });
		expect(throttled.status).toBe(429);
		expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(throttled.body.error).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds\.$/);
		// Others behind the same address still sign in.
		await login(relay.url, 'tomas');
		// After the lockout the right password works again.
		offsetMs += 31_000;
		expect((await login(relay.url, 'jan')).user.id).toBe('jan');
	});
});

describe('tokens', () => {
	it('refuses missing, garbage, forged and tampered tokens', async () => {
		const { token } = await login(relay.url, 'anna');
		const [body, sig] = token.split('.');
		const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
		const asPetr = Buffer.from(JSON.stringify({ ...payload, sub: 'petr' })).toString('base64url');
		for (const bad of [undefined, 'garbage', `${asPetr}.${sig}`, `${body}.${sig!.slice(0, -2)}AA`, `${body}.`]) {
			const res = await api(relay.url, '/api/me', { token: bad });
			expect(res.status, String(bad)).toBe(401);
			expect(res.body.error).toBeTypeOf('string');
		}
	});

	it('refuses an expired token', async () => {
		const { token } = await login(relay.url, 'eva');
		offsetMs += 15 * 24 * 3600_000;
		try {
			const res = await api(relay.url, '/api/me', { token });
			expect(res.status).toBe(401);
			expect(res.body.error).toMatch(/expired/);
		} finally {
			offsetMs -= 15 * 24 * 3600_000;
		}
	});

	it('refuses the token of a person disabled meanwhile, at once', async () => {
		const { token } = await login(relay.url, 'tomas');
		expect((await api(relay.url, '/api/me', { token })).status).toBe(200);
		expect(await sendAdminCommand(relay.dataDir, ['disable', 'tomas'])).toMatchObject({ ok: true });
		try {
			expect((await api(relay.url, '/api/me', { token })).status).toBe(401);
			expect((await api(relay.url, '/api/login', { body: { username: 'tomas', password: 'demo' } })).status).toBe(401);
			const anna = await login(relay.url, 'anna');
			const directory = await api(relay.url, '/api/directory', { token: anna.token });
			expect(directory.body.people.map((p: { id: string }) => p.id)).not.toContain('tomas');
		} finally {
			await sendAdminCommand(relay.dataDir, ['enable', 'tomas']);
		}
		// Enabling again does not revive the old token.
		expect((await api(relay.url, '/api/me', { token })).status).toBe(401);
	});
});

describe('the directory', () => {
	it('shows a customer their organisation, GFMS and their own cases', async () => {
		const { token } = await login(relay.url, 'anna');
		const { status, body } = await api(relay.url, '/api/directory', { token });
		expect(status).toBe(200);
		expect(body.people.map((p: { id: string }) => p.id).sort()).toEqual(['admin', 'anna', 'eva', 'petr', 'tomas']);
		expect(body.cases.map((c: { number: string }) => c.number).sort()).toEqual(['SC-1042', 'SC-1043']);
		expect(body.organisations.map((o: { id: string }) => o.id).sort()).toEqual(['acme', 'gfms']);
		expect(JSON.stringify(body)).not.toMatch(/scrypt|passwordHash/);
	});

	it('shows a GFMS engineer everyone and every case', async () => {
		const { token } = await login(relay.url, 'petr');
		const { body } = await api(relay.url, '/api/directory', { token });
		expect(body.people.map((p: { id: string }) => p.id).sort()).toEqual(['admin', 'anna', 'eva', 'jan', 'petr', 'tomas']);
		expect(body.cases.map((c: { number: string }) => c.number).sort()).toEqual(['SC-1042', 'SC-1043', 'SC-2001']);
	});
});

describe('registering conversations', () => {
	const register = (token: string, body: unknown) => api(relay.url, '/api/conversations', { token, body });

	it('enforces who may talk to whom', async () => {
		const anna = (await login(relay.url, 'anna')).token;
		const petr = (await login(relay.url, 'petr')).token;

		const crossOrg = await register(anna, { documentId: newDocumentId(), kind: 'direct', members: ['jan'] });
		expect(crossOrg.status).toBe(403);
		expect(crossOrg.body.error).toMatch(/Jan Svoboda cannot be in this conversation/);

		const otherCase = await register(anna, { documentId: newDocumentId(), kind: 'case', caseId: 'SC-2001', members: ['petr'] });
		expect(otherCase.status).toBe(403);
		expect(otherCase.body.error).toBe('Service case SC-2001 belongs to another organisation.');

		expect((await register(petr, { documentId: newDocumentId(), kind: 'direct', members: ['anna'] })).status).toBe(403);

		const id = newDocumentId();
		const created = await register(petr, { documentId: id, kind: 'case', caseId: 'SC-1042', members: ['anna'] });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ id, kind: 'case', caseId: 'SC-1042', members: ['petr', 'anna'], createdBy: 'petr', documents: [] });

		const addJan = await api(relay.url, `/api/conversations/${id}/members`, { token: petr, body: { add: ['jan'] } });
		expect(addJan.status).toBe(403);
		const addTomas = await api(relay.url, `/api/conversations/${id}/members`, { token: anna, body: { add: ['tomas'] } });
		expect(addTomas.status).toBe(200);
		expect(addTomas.body.members).toEqual(['petr', 'anna', 'tomas']);

		const jan = (await login(relay.url, 'jan')).token;
		const outsider = await api(relay.url, `/api/conversations/${id}/members`, { token: jan, body: { add: ['jan'] } });
		expect(outsider.status).toBe(404);
		expect(outsider.body.error).toMatch(/not a member/);

		// A new device of a member finds the conversation; an outsider does not.
		const tomas = (await login(relay.url, 'tomas')).token;
		expect((await api(relay.url, '/api/conversations', { token: tomas })).body.map((c: { id: string }) => c.id)).toContain(id);
		expect((await api(relay.url, '/api/conversations', { token: jan })).body.map((c: { id: string }) => c.id)).not.toContain(id);
	});

	it('accepts a retried registration from its creator, and refuses it from anyone else', async () => {
		const anna = (await login(relay.url, 'anna')).token;
		const tomas = (await login(relay.url, 'tomas')).token;
		const request = { documentId: newDocumentId(), kind: 'direct', members: ['tomas'] };
		expect((await register(anna, request)).status).toBe(201);
		const retry = await register(anna, request);
		expect(retry.status).toBe(200);
		expect(retry.body.id).toBe(request.documentId);
		const hijack = await register(tomas, { ...request, members: ['anna'] });
		expect(hijack.status).toBe(409);
		expect(hijack.body.error).toBeTypeOf('string');
	});

	it('refuses malformed registrations with 400', async () => {
		const anna = (await login(relay.url, 'anna')).token;
		const cases = [
			{ documentId: 'not-a-document-id', kind: 'direct', members: [] },
			{ documentId: newDocumentId(), kind: 'group', members: [] },
			{ documentId: newDocumentId(), kind: 'direct', members: 'tomas' },
			{ documentId: newDocumentId(), kind: 'direct', members: ['nobody'] },
			{ documentId: newDocumentId(), kind: 'case', caseId: 'SC-9999', members: [] },
			['not', 'an', 'object']
		];
		for (const body of cases) {
			const res = await register(anna, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error).toBeTypeOf('string');
		}
	});

	it('attaches a whiteboard for members only', async () => {
		const eva = (await login(relay.url, 'eva')).token;
		const jan = (await login(relay.url, 'jan')).token;
		const id = newDocumentId();
		expect((await register(eva, { documentId: id, kind: 'direct', members: ['petr'] })).status).toBe(201);
		const board = newDocumentId();
		const attached = await api(relay.url, `/api/conversations/${id}/documents`, { token: eva, body: { documentId: board, kind: 'whiteboard' } });
		expect(attached.status).toBe(201);
		expect(attached.body.documents).toEqual([{ documentId: board, kind: 'whiteboard' }]);
		const again = await api(relay.url, `/api/conversations/${id}/documents`, { token: eva, body: { documentId: board, kind: 'whiteboard' } });
		expect(again.status).toBe(200);
		const outsider = await api(relay.url, `/api/conversations/${id}/documents`, { token: jan, body: { documentId: newDocumentId(), kind: 'whiteboard' } });
		expect(outsider.status).toBe(404);
		expect(relay.server.store.mayRead('petr' as never, board)).toBe(true);
		expect(relay.server.store.mayRead('jan' as never, board)).toBe(false);
	});
});
