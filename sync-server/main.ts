// `npm run relay` / `npm start`: load the configuration, start the relay, stop it cleanly on SIGINT/SIGTERM.
// Every line it writes is a JSON line on standard output (ops/log.ts), the start-up line a person reads included.
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLog, errorWithStack, type Log } from './ops/log.ts';
import { DataDirLocked } from './storage/data-lock.ts';
import { JournalCorrupt } from './storage/journal.ts';
import { StoreUnavailable } from './storage/store-unavailable.ts';
import { createServer } from './server.ts';

// Until the configuration is read (a bad LOG_LEVEL is one of the things it reports), at the default level.
let log: Log = createLog();

// automerge-repo saves in the background; a failed save (disk full, EIO) must be reported, not kill the relay:
// the change it carried stays unacknowledged, so the client keeps it and sends it again.
process.on('unhandledRejection', (reason) => log.error({ err: errorWithStack(reason) }, 'Background task failed'));

let relay: Awaited<ReturnType<typeof createServer>>;
try {
	const config: Config = loadConfig();
	log = createLog({ level: config.logLevel });
	relay = await createServer(config, { log });
	const metrics = config.metricsToken ? `${relay.url}/metrics (METRICS_TOKEN set)` : 'off (set METRICS_TOKEN)';
	log.info({ url: relay.url, storage: relay.storage, startupMs: startupMs(), metrics }, `Caseroom relay on ${relay.url} (${relay.storage}), started in ${startupMs()} ms`);
} catch (err) {
	// Expected problems (bad configuration, DATA_DIR in use or damaged, port taken) need no stack trace.
	const expected = [ConfigError, DataDirLocked, JournalCorrupt, StoreUnavailable].some((k) => err instanceof k) || (err as NodeJS.ErrnoException).code;
	const hint = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' Another program uses this port: stop it, or set PORT.' : '';
	log.error({}, `The relay could not start: ${expected ? (err as Error).message : errorWithStack(err)}${hint}`);
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
		log.info({ signal }, `${signal}: closing connections…`);
		setTimeout(() => process.exit(1), 10_000).unref();
		relay.close().then(
			() => process.exit(0),
			(err: unknown) => {
				log.error({ err: errorWithStack(err) }, 'Closing failed');
				process.exit(1);
			}
		);
	});
