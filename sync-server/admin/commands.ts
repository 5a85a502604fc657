// The admin commands, written once: the relay runs them for `npm run admin` over its admin socket, and the
// CLI runs them itself on the store when no relay is running.
import type { Role } from '../../src/lib/model/directory.ts';
import { asCaseId, asOrgId, asUserId, type UserId } from '../../src/lib/model/ids.ts';
import type { AdminResult } from './socket.ts';
import type { StoredPerson } from '../directory/events.ts';
import { DirectoryError } from '../directory/state.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { generatePassword, hashPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { isAbsolute } from 'node:path';
import type { ReportSource } from '../report/report-source.ts';

export interface AdminContext {
	store: DirectoryStore;
	/** Close the person's connections (sync, calls) at once. */
	cutOff(userId: UserId): void;
	/** What the report command reads (the CLI opens the documents only for it). */
	reports?: ReportSource;
}

export const ADMIN_USAGE = `Usage: npm run admin -- <command>   (DATA_DIR selects the relay's data, default ./data)

  list                                    people (organisation, role, status), service cases, conversation count
  add-person --username u --name "Full Name" --org <orgId> --role engineer|customer [--password p]
                                          without --password a password is generated and printed once
  disable <username>                      signs the person out everywhere and refuses their sign-ins
  enable <username>
  reset-password <username> [--password p]
  add-org --id <orgId> --name "Name"
  add-case --number SC-3001 --title "Title" --org <orgId>
  report <conversation id> [--out file.zip] [--language en|cs|de]
                                          the conversation's service report bundle (report.html, report.json,
                                          whiteboards as PNG, every file the relay holds, SHA256SUMS)
  help`;

class UsageError extends Error {}

export async function runAdminCommand(argv: string[], ctx: AdminContext): Promise<AdminResult> {
	const [command = 'help', ...rest] = argv;
	try {
		const { options, positional } = parseArgs(rest);
		const output = await run(command, options, positional, ctx);
		return { ok: true, output };
	} catch (err) {
		if (err instanceof UsageError || err instanceof DirectoryError) return { ok: false, output: err.message };
		throw err;
	}
}

async function run(command: string, options: Map<string, string>, positional: string[], ctx: AdminContext): Promise<string> {
	const { store } = ctx;
	const need = (name: string) => options.get(name) ?? fail(`${command} needs --${name}. See \`npm run admin -- help\`.`);
	switch (command) {
		case 'help':
			return ADMIN_USAGE;
		case 'list':
			return list(store);
		case 'add-person': {
			const username = need('username').trim().toLowerCase();
			if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(username))
				fail('A username is 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.');
			const role = need('role');
			if (role !== 'engineer' && role !== 'customer') fail('--role must be engineer or customer.');
			const org = asOrgId(need('org'));
			if (!store.organisation(org)) fail(`There is no organisation "${org}". Add it first with add-org.`);
			const { password, shown } = passwordFrom(options);
			store.commit({
				type: 'personAdded',
				person: { id: asUserId(username), username, name: need('name'), org, role: role as Role, disabled: false, passwordHash: await hashPassword(password), tokenEpoch: 0 }
			});
			return `Added ${username} (${need('name')}, ${org}, ${role}).${shown}`;
		}
		case 'disable':
		case 'enable': {
			const person = personNamed(store, positional[0], command);
			if (person.disabled === (command === 'disable')) return `${person.username} is already ${command}d.`;
			store.commit({ type: command === 'disable' ? 'personDisabled' : 'personEnabled', userId: person.id });
			if (command === 'disable') ctx.cutOff(person.id);
			return command === 'disable' ? `Disabled ${person.username}: signed out everywhere, sign-ins refused.` : `Enabled ${person.username}.`;
		}
		case 'reset-password': {
			const person = personNamed(store, positional[0], command);
			const { password, shown } = passwordFrom(options);
			store.commit({ type: 'passwordSet', userId: person.id, passwordHash: await hashPassword(password) });
			ctx.cutOff(person.id);
			return `Reset the password of ${person.username}; their devices must sign in again.${shown}`;
		}
		case 'add-org': {
			const id = need('id').trim().toLowerCase();
			if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(id)) fail('An organisation id is 1-32 lower-case letters, digits or "-".');
			store.commit({ type: 'orgAdded', org: { id: asOrgId(id), name: need('name') } });
			return `Added organisation ${id} (${need('name')}).`;
		}
		case 'add-case': {
			const number = need('number').trim();
			const org = asOrgId(need('org'));
			if (!store.organisation(org)) fail(`There is no organisation "${org}".`);
			store.commit({ type: 'caseAdded', serviceCase: { id: asCaseId(number), number, title: need('title'), org } });
			return `Added service case ${number} "${need('title')}" (${org}).`;
		}
		case 'report':
			return report(ctx.reports ?? fail('The report command has no documents to read here.'), positional[0], options);
		default:
			return fail(`Unknown command "${command}".\n\n${ADMIN_USAGE}`);
	}
}

const LANGUAGES = ['en', 'cs', 'de'] as const;

async function report(source: ReportSource, conversationId: string | undefined, options: Map<string, string>): Promise<string> {
	if (!conversationId) fail('report needs a conversation id: npm run admin -- report <conversation id> [--out file.zip]');
	const language = (options.get('language') ?? 'en') as (typeof LANGUAGES)[number];
	if (!LANGUAGES.includes(language)) fail('--language must be en, cs or de.');
	const out = options.get('out') ?? `service-report-${conversationId}.zip`;
	// The relay may run in another directory than the command: the CLI sends an absolute path.
	if (!isAbsolute(out)) fail('--out must be an absolute path here.');
	// Loaded for this command only: the report's renderer (resvg, a native addon) and ZIP writer would cost the running
	// relay ~12 MB at rest (docs/figures.md).
	const { relayReportBundle, ReportUnavailable, writeBundle } = await import('../report/relay-report.ts');
	const bundle = await relayReportBundle(source, conversationId, { language }).catch((err: unknown) => {
		if (err instanceof ReportUnavailable) fail(err.message);
		throw err;
	});
	await writeBundle(bundle, out).catch((err: NodeJS.ErrnoException) =>
		fail(err.code === 'EEXIST' ? `${out} is being written by another report command.` : `Could not write ${out}: ${err.message}`)
	);
	const missing = bundle.report.bundle.missingFiles.length;
	return [
		`Wrote ${out}: ${bundle.entryCount} entries (${bundle.report.timeline.length} timeline entries, ${bundle.report.whiteboards.length} whiteboards, ${bundle.report.files.length - missing} of ${bundle.report.files.length} files).`,
		missing > 0 ? `${missing} files are not (all) on the relay yet: listed in the report with their SHA-256, not in the bundle.` : 'Check it: unzip it and run `sha256sum -c SHA256SUMS` in its folder.'
	].join('\n');
}

function list(store: DirectoryStore): string {
	const orgName = (id: string) => store.organisation(id as never)?.name ?? id;
	const people = store.people().map((p) => `  ${p.username.padEnd(16)} ${p.name.padEnd(24)} ${orgName(p.org).padEnd(24)} ${p.role.padEnd(9)} ${p.disabled ? 'disabled' : 'active'}`);
	const cases = store.cases().map((c) => `  ${c.number.padEnd(10)} ${c.title}  (${orgName(c.org)})`);
	const orgs = store.organisations().map((o) => `  ${o.id.padEnd(10)} ${o.name}`);
	return [`Organisations:`, ...orgs, `People:`, ...people, `Service cases:`, ...cases, `Conversations: ${store.conversationCount()}`].join('\n');
}

function personNamed(store: DirectoryStore, username: string | undefined, command: string): StoredPerson {
	if (!username) fail(`${command} needs a username: npm run admin -- ${command} <username>`);
	return store.personByUsername(username.toLowerCase()) ?? fail(`There is no person "${username}".`);
}

function passwordFrom(options: Map<string, string>): { password: string; shown: string } {
	const given = options.get('password');
	if (given === undefined) {
		const password = generatePassword();
		return { password, shown: `\nPassword (shown once): ${password}` };
	}
	if (given.length < 8 || given.length > MAX_PASSWORD_LENGTH) fail(`A password needs 8 to ${MAX_PASSWORD_LENGTH} characters.`);
	return { password: given, shown: '' };
}

function parseArgs(args: string[]): { options: Map<string, string>; positional: string[] } {
	const options = new Map<string, string>();
	const positional: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (!arg.startsWith('--')) positional.push(arg);
		else if (i + 1 >= args.length) fail(`${arg} needs a value.`);
		else options.set(arg.slice(2), args[++i]!);
	}
	return { options, positional };
}

function fail(message: string): never {
	throw new UsageError(message);
}
