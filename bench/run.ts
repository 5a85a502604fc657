// `npm run bench`: every benchmark group on this machine, in order; prints the table and writes bench/results.json.
// BENCH_QUICK=1 shortens every run (development only); BENCH_ONLY=sync,capacity runs some groups.
// Adding a figure group: a module exporting a BenchGroup, listed in GROUPS below.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchGroup, Figure } from './lib/figure.ts';
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { buildRelayIfStale } from '../scripts/build-relay.mjs';
import { markdownTable } from './lib/table.ts';
import { appStart } from './app-start.ts';
import { backup } from './backup.ts';
import { capacity } from './capacity.ts';
import { catchUp } from './catch-up.ts';
import { churn } from './churn.ts';
import { coldStart } from './cold-start.ts';
import { deadLink } from './dead-link.ts';
import { fanout } from './fanout.ts';
import { nodes } from './nodes.ts';
import { openConversation } from './open-conversation.ts';
import { p2p } from './p2p.ts';
import { postgres } from './postgres.ts';
import { relayAlone } from './relay-alone.ts';
import { relayFiles } from './relay-files.ts';
import { storage } from './storage.ts';
import { report } from './report.ts';
import { photos } from './photos.ts';
import { syncLatency } from './sync-latency.ts';
import { whiteboard } from './whiteboard.ts';

const GROUPS: Record<string, BenchGroup> = {
	sync: syncLatency,
	relay: relayAlone,
	'cold-start': coldStart,
	open: openConversation,
	photos,
	'app-start': appStart,
	whiteboard,
	churn,
	'catch-up': catchUp,
	capacity,
	'dead-link': deadLink,
	p2p,
	storage,
	backup,
	report,
	files: relayFiles,
	postgres,
	nodes,
	fanout
};

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY?.split(',');
const started = Date.now();
const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${message}`);

// The browser figures and the relay's start need the production build and the compiled relay, as `npm start` would
// make them (bench/lib/product.ts then starts it with SKIP_BUILD=1).
buildIfStale();
await buildRelayIfStale();

// A client torn down mid-connect (a failed run's clean-up) may emit a socket error nobody listens to: note it and go on.
process.on('uncaughtException', (error) => log(`stray error: ${error.message}`));

const figures: Figure[] = [];
for (const [key, group] of Object.entries(GROUPS)) {
	if (only && !only.includes(key)) continue;
	log(group.name);
	try {
		figures.push(...(await group.run({ quick, log })));
	} catch (error) {
		// One broken group must not hide the others' figures.
		log(`${group.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
	}
}

const results = {
	measuredAt: new Date().toISOString(),
	quick,
	machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version },
	durationSeconds: Math.round((Date.now() - started) / 1000),
	figures
};
writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, '\t')}\n`);
console.log(`\n${markdownTable(figures)}\n`);
const missed = figures.filter((f) => f.pass === false).length;
log(`${figures.length} figures, ${missed} goals missed${quick ? ' (BENCH_QUICK: indicative only)' : ''}; written to bench/results.json`);
// Benchmarks never fail the build: a missed goal is a finding, not an error.
process.exit(0);
