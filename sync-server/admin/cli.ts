// `npm run admin -- <command>`: sends the command to the relay running on DATA_DIR (over its admin socket), or,
// when none runs, applies it to the store directly (taking the DATA_DIR lock for the moment): DATA_DIR's files, or
// PostgreSQL when DATABASE_URL is set (relay-stores.ts). `migrate` always runs here (migrate/migrate.ts).
import { ADMIN_USAGE, runAdminCommand } from './commands.ts';
import { sendAdminCommand, type AdminResult } from './socket.ts';
import { loadConfig } from '../config.ts';
import { resolve } from 'node:path';
import { relayReportSource } from '../report/report-source.ts';
import { openRelayDocumentStore } from '../storage/relay-document-store.ts';
import { openRelayStores } from '../storage/relay-stores.ts';
import { openBlobStore } from '../files/blob-store.ts';
import { BACKUP_COMMANDS, BackupError, filesElsewhere, runBackupCommandAlone } from '../backup/command.ts';
import { migrateCommand } from '../migrate/migrate.ts';

/** `report` writes a file, `import-cases` reads one, `backup` and `restore` name a folder: make the path absolute
 * here, since a running relay may have another directory. */
function withAbsolutePaths(argv: string[]): string[] {
	if (['import-cases', ...BACKUP_COMMANDS].includes(argv[0]!) && argv[1] !== undefined) return [argv[0]!, resolve(argv[1]), ...argv.slice(2)];
	if (argv[0] !== 'report') return argv;
	const at = argv.indexOf('--out');
	if (at >= 0 && argv[at + 1] !== undefined) return argv.map((a, i) => (i === at + 1 ? resolve(a) : a));
	return argv[1] ? [...argv, '--out', resolve(`service-report-${argv[1]}.zip`)] : argv;
}

async function main(argv: string[]): Promise<AdminResult> {
	if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') return { ok: true, output: ADMIN_USAGE };
	const config = loadConfig();
	const { dataDir } = config;
	// Never through a running relay: migrate copies a stopped one (and refuses while one runs on its DATA_DIR).
	if (argv[0] === 'migrate') return migrateCommand(argv.slice(1), config, (line) => console.log(line));
	argv = withAbsolutePaths(argv);
	const answer = await sendAdminCommand(dataDir, argv);
	if (answer) return answer;
	// Not through the directory store: restore needs DATA_DIR empty, and a backup copies it as it is.
	if (BACKUP_COMMANDS.includes(argv[0]!))
		return runBackupCommandAlone(argv[0]!, argv[1], { dataDir, filesElsewhere: filesElsewhere(config), inDatabase: config.databaseUrl !== null }).then(
			(output) => ({ ok: true, output }),
			(err: unknown) => {
				if (err instanceof BackupError) return { ok: false, output: err.message };
				throw err;
			}
		);
	const stores = await openRelayStores(config, { holder: 'admin command' });
	const store = stores.directory;
	try {
		// The documents are opened only for a report: the other commands touch the directory alone.
		const documents = argv[0] === 'report' ? await (stores.sharedDocuments?.() ?? openRelayDocumentStore(dataDir)) : undefined;
		try {
			const reports = documents && relayReportSource({ documents, directory: store, blobs: openBlobStore(config) });
			return await runAdminCommand(argv, { store, cutOff: () => {}, reports });
		} finally {
			await documents?.close();
		}
	} finally {
		await stores.close();
	}
}

try {
	const result = await main(process.argv.slice(2));
	(result.ok ? console.log : console.error)(result.output);
	process.exitCode = result.ok ? 0 : 1;
} catch (err) {
	console.error(`Error: ${(err as Error).message}`);
	process.exitCode = 1;
}
