// The admin commands: the relay runs them for `npm run admin` over its admin socket, and the CLI runs them itself on
// the store when no relay is running. Every change is admin-service.ts's, which /api/admin calls too.
import type { AdminResult } from './socket.ts';
import { DirectoryError } from '../directory/state.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { isAbsolute } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { ReportSource } from '../report/report-source.ts';
import * as admin from './admin-service.ts';
import { adminAudit, adminConversations } from './admin-views.ts';
import { ImportError } from './case-import.ts';
import { BackupError } from '../backup/manifest.ts';

export interface AdminContext extends admin.AdminDeps {
	/** What the report command reads (the CLI opens the documents only for it). */
	reports?: ReportSource;
	/** `backup DIR` and `restore DIR` in the running relay (sync-server/backup/command.ts); the CLI runs them itself otherwise. */
	backups?: (command: string, folder: string | undefined) => Promise<string>;
}

export const ADMIN_USAGE = `Usage: npm run admin -- <command>   (DATA_DIR selects the relay's data, default ./data)

  list                                    people (organisation, role, status), service cases, conversation count
  add-person --username u --name "Full Name" --org <orgId> --role engineer|customer [--password p]
                                          without --password a password is generated and printed once
  disable <username>                      signs the person out everywhere and refuses their sign-ins
  enable <username>
  reset-password <username> [--password p]
  change-org <username> --org <orgId>     the role follows (gfms: engineer, others: customer)
  grant-admin <username>                  may use the admin page (/admin) and /api/admin
  revoke-admin <username>
  add-org --id <orgId> --name "Name"
  add-case --number SC-3001 --title "Title" --org <orgId>
  close-case <number>                     its conversations stay; no new one is offered on it
  reopen-case <number>
  import-cases <file.csv|file.json>       adds and updates cases (columns number, title, org[, status]);
                                          the same file twice changes nothing, a bad row stops the whole file
  conversations                           every conversation with its members
  remove-member <conversation id> <username>
                                          the person loses the conversation at once
  audit [--limit n]                       administrators' actions, newest first
  report <conversation id> [--out file.zip] [--language en|cs|de]
                                          the conversation's service report bundle (report.html, report.json,
                                          whiteboards as PNG, every file the relay holds, SHA256SUMS)
  backup <folder>                         a consistent copy of DATA_DIR (the relay may be running), with a manifest
                                          of SHA-256s; it holds the token key: keep it secret
  restore <folder>                        a backup into an empty DATA_DIR, with no relay running; checks every file
  migrate [--from <folder>] [--check-only]
                                          a stopped relay's DATA_DIR (default: DATA_DIR) into PostgreSQL and S3, named
                                          by DATABASE_URL and S3_* as for the relay nodes: directory, token key, every
                                          document and file; then checks that all is equal (--check-only: the check alone)
  help`;

class UsageError extends Error {}

export async function runAdminCommand(argv: string[], ctx: AdminContext): Promise<AdminResult> {
	const [command = 'help', ...rest] = argv;
	try {
		const { options, positional } = parseArgs(rest);
		const output = await run(command, options, positional, ctx);
		return { ok: true, output };
	} catch (err) {
		if (err instanceof ImportError) return { ok: false, output: [err.message, ...err.rows.map((r) => `  row ${r.row}: ${r.message}`)].join('\n') };
		if (err instanceof UsageError || err instanceof DirectoryError || err instanceof admin.AdminError || err instanceof BackupError) return { ok: false, output: err.message };
		throw err;
	}
}

/** The command line acts as nobody in particular: the audit log says "command line". */
const CLI = null;

async function run(command: string, options: Map<string, string>, positional: string[], ctx: AdminContext): Promise<string> {
	const { store } = ctx;
	const need = (name: string) => options.get(name) ?? fail(`${command} needs --${name}. See \`npm run admin -- help\`.`);
	const [first, second] = positional;
	switch (command) {
		case 'help':
			return ADMIN_USAGE;
		case 'list':
			return list(store);
		case 'add-person':
			return (await admin.addPerson(ctx, CLI, { username: need('username'), name: need('name'), org: need('org'), role: need('role'), password: options.get('password') })).message;
		case 'disable':
		case 'enable':
			return (await admin.setDisabled(ctx, CLI, first ?? usage(command, '<username>'), command === 'disable')).message;
		case 'reset-password':
			return (await admin.resetPassword(ctx, CLI, first ?? usage(command, '<username>'), options.get('password'))).message;
		case 'change-org':
			return (await admin.changeOrganisation(ctx, CLI, first ?? usage(command, '<username> --org <orgId>'), need('org'))).message;
		case 'grant-admin':
		case 'revoke-admin':
			return (await admin.setAdmin(ctx, CLI, first ?? usage(command, '<username>'), command === 'grant-admin')).message;
		case 'add-org':
			return (await admin.addOrganisation(ctx, CLI, { id: need('id'), name: need('name') })).message;
		case 'add-case':
			return (await admin.addCase(ctx, CLI, { number: need('number'), title: need('title'), org: need('org') })).message;
		case 'close-case':
		case 'reopen-case':
			return (await admin.setCaseClosed(ctx, CLI, first ?? usage(command, '<number>'), command === 'close-case')).message;
		case 'import-cases':
			return importFile(ctx, first ?? usage(command, '<file.csv|file.json>'));
		case 'conversations':
			return conversations(store);
		case 'remove-member':
			return (await admin.removeMember(ctx, CLI, first ?? usage(command, '<conversation id> <username>'), second ?? usage(command, '<conversation id> <username>'))).message;
		case 'audit':
			return auditLines(store, Number(options.get('limit') ?? 50));
		case 'report':
			return report(ctx.reports ?? fail('The report command has no documents to read here.'), first, options);
		case 'backup':
		case 'restore':
			return (ctx.backups ?? fail(`${command} runs in the relay or on its own, not here.`))(command, first);
		default:
			return fail(`Unknown command "${command}".\n\n${ADMIN_USAGE}`);
	}
}

async function importFile(ctx: AdminContext, path: string): Promise<string> {
	// The relay may run in another directory than the command: the CLI sends an absolute path.
	if (!isAbsolute(path)) fail('The file must be given as an absolute path here.');
	const format = /\.json$/i.test(path) ? 'json' : 'csv';
	const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => fail(`Could not read ${path}: ${err.message}`));
	return (await admin.importCases(ctx, CLI, { format, text, fileName: path.split('/').pop() })).message;
}

function conversations(store: DirectoryStore): string {
	const lines = adminConversations(store).map(
		(c) => `  ${c.id}  ${c.kind === 'case' ? `case ${c.caseNumber}` : 'direct'}  ${new Date(c.createdAt).toISOString().slice(0, 16)}  ${c.members.map((m) => m.id).join(', ')}`
	);
	return [`Conversations (${lines.length}):`, ...lines].join('\n');
}

function auditLines(store: DirectoryStore, limit: number): string {
	if (!Number.isInteger(limit) || limit < 1) fail('--limit must be a positive whole number.');
	const lines = adminAudit(store, limit).map((e) => {
		const what = [e.target, e.detail, e.counts && `${e.counts.added} added, ${e.counts.updated} updated, ${e.counts.unchanged} unchanged`].filter(Boolean).join('  ');
		return `  ${new Date(e.at).toISOString().slice(0, 19)}  ${(e.by ?? 'command line').padEnd(16)} ${e.action.padEnd(26)} ${what}`;
	});
	return lines.length === 0 ? 'The audit log is empty.' : ['Audit log (newest first):', ...lines].join('\n');
}

function usage(command: string, args: string): never {
	return fail(`${command} needs ${args}: npm run admin -- ${command} ${args}`);
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
	const people = store.people().map((p) => `  ${p.username.padEnd(16)} ${p.name.padEnd(24)} ${orgName(p.org).padEnd(24)} ${p.role.padEnd(9)} ${p.disabled ? 'disabled' : 'active'}${p.admin ? ' admin' : ''}`);
	const cases = store.cases().map((c) => `  ${c.number.padEnd(10)} ${c.title}  (${orgName(c.org)})${c.closed ? '  closed' : ''}`);
	const orgs = store.organisations().map((o) => `  ${o.id.padEnd(10)} ${o.name}`);
	return [`Organisations:`, ...orgs, `People:`, ...people, `Service cases:`, ...cases, `Conversations: ${store.conversationCount()}`].join('\n');
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
