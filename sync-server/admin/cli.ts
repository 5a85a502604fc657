// `npm run admin -- <command>`: sends the command to the relay running on DATA_DIR (over its admin socket), or,
// when none runs, applies it to the store directly (taking the DATA_DIR lock for the moment).
import { ADMIN_USAGE, runAdminCommand } from './commands.ts';
import { sendAdminCommand, type AdminResult } from './socket.ts';
import { loadConfig } from '../config.ts';
import { openJournalStore } from '../directory/store.ts';

async function main(argv: string[]): Promise<AdminResult> {
	if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') return { ok: true, output: ADMIN_USAGE };
	const { dataDir } = loadConfig();
	const answer = await sendAdminCommand(dataDir, argv);
	if (answer) return answer;
	const store = openJournalStore(dataDir, { holder: 'admin command' });
	try {
		return await runAdminCommand(argv, { store, cutOff: () => {} });
	} finally {
		store.close();
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
