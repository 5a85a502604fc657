// `npm run relay` / `npm start`: load the configuration, start the relay, stop it cleanly on SIGINT/SIGTERM.
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLocked } from './storage/data-lock.ts';
import { JournalCorrupt } from './storage/journal.ts';
import { StoreUnavailable } from './storage/store-unavailable.ts';
import { createServer } from './server.ts';

// automerge-repo saves in the background; a failed save (disk full, EIO) must be reported, not kill the relay:
// the change it carried stays unacknowledged, so the client keeps it and sends it again.
process.on('unhandledRejection', (reason) => console.error('Background task failed:', reason));

let relay: Awaited<ReturnType<typeof createServer>>;
try {
	const config = loadConfig();
	relay = await createServer(config);
	console.log(`Caseroom relay on ${relay.url} (${relay.storage}), started in ${startupMs()} ms`);
} catch (err) {
	// Expected problems (bad configuration, DATA_DIR in use or damaged, port taken) need no stack trace.
	const expected = [ConfigError, DataDirLocked, JournalCorrupt, StoreUnavailable].some((k) => err instanceof k) || (err as NodeJS.ErrnoException).code;
	console.error(`The relay could not start: ${expected ? (err as Error).message : (err as Error).stack}`);
	if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error('Another program uses this port: stop it, or set PORT.');
	process.exit(1);
}

/** From process start, or from after the build when scripts/start.mjs built the app first. */
function startupMs(): number {
	const mark = Number(process.env.CASEROOM_START_MARK ?? 0);
	return Math.round(performance.now() - (Number.isFinite(mark) ? mark : 0));
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.on(signal, () => {
		if (stopping) process.exit(1);
		stopping = true;
		console.log(`${signal}: closing connections…`);
		setTimeout(() => process.exit(1), 10_000).unref();
		relay.close().then(
			() => process.exit(0),
			(err: unknown) => {
				console.error('Closing failed:', err);
				process.exit(1);
			}
		);
	});
