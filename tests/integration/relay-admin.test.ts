// `npm run admin`: the real command, both on a stopped relay's DATA_DIR and against a running relay (another
// process), where a disabled person or a reset password takes effect at once.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { api, login, runAdmin, spawnRelay, startRelay, tempDataDir, type ChildRelay } from '../helpers/relay.ts';

const dirs: string[] = [];
let child: ChildRelay | undefined;
afterAll(async () => {
	await child?.kill('SIGKILL');
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the admin command with no relay running', () => {
	it('adds a person with a generated password, who can then sign in', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		await (await startRelay({ dataDir })).stop(); // the first start loads the demo directory

		const added = await runAdmin(dataDir, 'add-person', '--username', 'Zoe', '--name', 'Zoë Kratochvílová', '--org', 'acme', '--role', 'customer');
		expect(added.stderr).toBe('');
		expect(added.code).toBe(0);
		const password = /Password \(shown once\): (\S+)/.exec(added.stdout)?.[1];
		expect(password).toHaveLength(16);

		const failed = await runAdmin(dataDir, 'add-person', '--username', 'x', '--name', 'X', '--org', 'nowhere', '--role', 'customer');
		expect(failed.code).toBe(1);
		expect(failed.stderr).toMatch(/There is no organisation "nowhere"/);
		expect((await runAdmin(dataDir, 'frobnicate')).stderr).toMatch(/Unknown command "frobnicate"[\s\S]*Usage/);
		expect((await runAdmin(dataDir, 'help')).stdout).toMatch(/add-person --username/);

		const relay = await startRelay({ dataDir });
		try {
			const session = await login(relay.url, 'zoe', password);
			expect(session.user).toMatchObject({ id: 'zoe', name: 'Zoë Kratochvílová', org: 'Acme Precision s.r.o.', role: 'customer' });
		} finally {
			await relay.stop();
		}
	});
});

describe('the admin command against a running relay', () => {
	it('changes the directory in the relay at once', async () => {
		const dataDir = tempDataDir();
		dirs.push(dataDir);
		child = await spawnRelay(dataDir);
		const { url } = child;

		const added = await runAdmin(dataDir, 'add-person', '--username', 'karel', '--name', 'Karel Dvořák', '--org', 'gfms', '--role', 'engineer', '--password', 'karel-secret-1');
		expect(added.code, added.stderr).toBe(0);
		expect(added.stdout).not.toMatch(/Password/);
		expect((await login(url, 'karel', 'karel-secret-1')).user.org).toBe('GFMS');

		// disable: sign-ins and existing tokens refused at once
		const anna = await login(url, 'anna');
		expect((await runAdmin(dataDir, 'disable', 'anna')).code).toBe(0);
		expect((await api(url, '/api/me', { token: anna.token })).status).toBe(401);
		expect((await api(url, '/api/login', { body: { username: 'anna', password: 'demo' } })).status).toBe(401);
		expect((await runAdmin(dataDir, 'enable', 'anna')).code).toBe(0);
		expect((await login(url, 'anna')).user.id).toBe('anna');

		// reset-password: the old password and the old token stop working
		const petr = await login(url, 'petr');
		expect((await runAdmin(dataDir, 'reset-password', 'petr', '--password', 'new-petr-pass')).code).toBe(0);
		expect((await api(url, '/api/login', { body: { username: 'petr', password: 'demo' } })).status).toBe(401);
		expect((await api(url, '/api/me', { token: petr.token })).status).toBe(401);
		const again = await login(url, 'petr', 'new-petr-pass');
		expect((await api(url, '/api/me', { token: again.token })).status).toBe(200);

		// add-case: visible to the customers of that organisation
		expect((await runAdmin(dataDir, 'add-case', '--number', 'SC-3001', '--title', 'CUT E 350 – flushing', '--org', 'acme')).code).toBe(0);
		const tomas = await login(url, 'tomas');
		const directory = await api(url, '/api/directory', { token: tomas.token });
		expect(directory.body.cases).toContainEqual({ id: 'SC-3001', number: 'SC-3001', title: 'CUT E 350 – flushing', org: 'acme' });

		const list = await runAdmin(dataDir, 'list');
		expect(list.code).toBe(0);
		expect(list.stdout).toMatch(/karel\s+Karel Dvořák\s+GFMS\s+engineer\s+active/);
		expect(list.stdout).toMatch(/anna\s+Anna Horáková\s+Acme Precision s\.r\.o\.\s+customer\s+active/);
		expect(list.stdout).toMatch(/SC-3001/);

		expect((await runAdmin(dataDir, 'disable', 'nobody')).stderr).toMatch(/There is no person "nobody"/);
		expect(child.output()).not.toMatch(/Error/);
	});
});
