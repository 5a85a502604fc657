// `npm run soak`: SOAK_MINUTES (default 10) of field conditions against the real relay and real clients, then a
// summary on stdout and in soak/results.json. Exits non-zero on any lost message or any run that did not converge.
//   1. convergence rounds (about half the time): the seeded schedule of `npm test`'s convergence test, longer;
//   2. a bad network (about a third): Node clients and the app in Chromium through fault proxies;
//   3. the catch-up figure (the rest): 500 messages written while a tablet is offline, caught up at 300 ms RTT.
// SEED=<n> makes the whole soak replay its schedules (the network's timing still varies).
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { percentile } from '../bench/lib/stats.ts';
import { runConvergence, type ConvergenceResult } from '../tests/helpers/convergence/run.ts';
import { prng, seedFromEnv } from '../tests/helpers/prng.ts';
import { badNetwork } from './bad-network.ts';
import { catchUp } from './catch-up.ts';

const ROOT = resolve(import.meta.dirname, '..');
const minutes = Number(process.env.SOAK_MINUTES ?? '10');
if (!Number.isFinite(minutes) || minutes <= 0) {
	console.error(`SOAK_MINUTES must be a positive number of minutes, not "${process.env.SOAK_MINUTES}".`);
	process.exit(2);
}
const seed = seedFromEnv();
const seeds = prng(seed);
let started = Date.now();
const budget = minutes * 60_000;
const log = (line: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
// A client torn down mid-connect may emit a socket error nobody listens to: note it and go on.
// A failure of the soak itself (not a finding) also lands here: then the run never finishes, and must not pass.
let finished = false;
process.on('uncaughtException', (error) => log(`stray error: ${error.stack ?? error.message}`));
process.on('exit', (code) => {
	if (!finished && code === 0) {
		console.error('The soak stopped before its end: failed.');
		process.exitCode = 1;
	}
});

log(`SOAK_MINUTES=${minutes} SEED=${seed}`);
// The app in Chromium is the production build, as `npm start` serves it (SKIP_BUILD=1: as it is). Another build
// running at the same time, or a half-saved source file, can break this one: try once more, then go on with the
// build that is there, saying so.
let buildNote: string | null = null;
if (process.env.SKIP_BUILD !== '1') {
	for (let attempt = 1; ; attempt++) {
		try {
			buildIfStale();
			break;
		} catch (error) {
			const why = error instanceof Error ? error.message : String(error);
			if (attempt === 1) {
				log(`the build failed (${why}); trying again in 30 s`);
				await new Promise((r) => setTimeout(r, 30_000));
				continue;
			}
			if (!existsSync(join(ROOT, 'build', 'index.html'))) {
				console.error(`The app could not be built, and there is no earlier build: ${why}`);
				process.exit(1);
			}
			buildNote = `the build failed twice (${why}); the browser ran the previous build`;
			log(buildNote);
			break;
		}
	}
}
started = Date.now(); // SOAK_MINUTES of soak, not of building

// 1. Convergence rounds.
const rounds: ConvergenceResult[] = [];
const convergenceEnds = started + budget * 0.5;
while (rounds.length === 0 || Date.now() < convergenceEnds) {
	const round = await runConvergence({ seed: Math.floor(seeds.next() * 2 ** 31), steps: 300, relayKills: 3, profile: { up: { delayMs: 2, jitterMs: 15 }, down: { delayMs: 2, jitterMs: 15 } }, log });
	rounds.push(round);
	log(
		`convergence round ${rounds.length} (SEED=${round.seed}): ${round.ok ? 'converged' : 'FAILED'} in ${round.convergeMs ?? '—'} ms after healing; ` +
			`${round.messagesWritten} messages, ${round.messagesAcknowledged} acknowledged, ${round.acknowledgedLost + round.writtenLost} lost`
	);
}

// 2. Real clients on a bad network.
const badNetworkMs = Math.max(30_000, started + budget * 0.85 - Date.now());
log(`bad network for ${Math.round(badNetworkMs / 1000)} s`);
const bad = await badNetwork({ seed: Math.floor(seeds.next() * 2 ** 31), durationMs: badNetworkMs, log });
log(`bad network: ${bad.ok ? 'converged' : 'FAILED'} ${bad.convergeMs ?? '—'} ms after the faults stopped; ${bad.messages.node} Node + ${bad.messages.browser} browser messages, lost ${bad.lost.node + bad.lost.browser}`);

// 3. Catch-up after an 8-hour backlog.
const catchUpResult = await catchUp({ seed: Math.floor(seeds.next() * 2 ** 31), budgetMs: Math.max(0, started + budget - Date.now()), minTrials: 3, log });

const sumOps: Record<string, number> = {};
for (const r of rounds) for (const [k, n] of Object.entries(r.operations)) sumOps[k] = (sumOps[k] ?? 0) + (n ?? 0);
const converged = rounds.filter((r) => r.convergeMs !== null).map((r) => r.convergeMs!);
const sumRounds = (f: (r: ConvergenceResult) => number) => rounds.reduce((n, r) => n + f(r), 0);
const convergence = {
	rounds: rounds.length,
	stepsPerRound: 300,
	operations: sumOps,
	proxyFaults: {
		cuts: sumRounds((r) => r.proxyFaults.cuts),
		refused: sumRounds((r) => r.proxyFaults.refused)
	},
	messagesWritten: sumRounds((r) => r.messagesWritten),
	messagesAcknowledged: sumRounds((r) => r.messagesAcknowledged),
	lost: sumRounds((r) => r.acknowledgedLost + r.writtenLost),
	convergeMs: converged.length ? { median: percentile(converged, 50), max: Math.max(...converged) } : null,
	failures: rounds.filter((r) => !r.ok).map((r) => r.failure)
};
// Every fault of the whole soak, by kind.
const catchUpFaults = (k: 'stalls' | 'resets') => [...catchUpResult.trials, ...Object.values(catchUpResult.forced)].reduce((n, t) => n + t[k], 0);
const faultsInjected = {
	'client disconnects (network gone, new connections refused)': (sumOps.disconnect ?? 0) + bad.cuts,
	'client reloads from storage': sumOps.reload ?? 0,
	'relay kill -9 and restart': sumOps['relay-kill'] ?? 0,
	'connections stalled (open, bytes held)': bad.faults.stalls + catchUpFaults('stalls'),
	'connections reset': bad.faults.resets + catchUpFaults('resets'),
	'connections cut': convergence.proxyFaults.cuts + bad.faults.cuts
};
const operations = {
	messages:
		convergence.messagesWritten + bad.messages.node + bad.messages.browser + (catchUpResult.trials.length + Object.keys(catchUpResult.forced).length) * catchUpResult.backlog,
	'whiteboard edits': (sumOps['board-add'] ?? 0) + (sumOps['board-move'] ?? 0) + (sumOps['board-delete'] ?? 0)
};
const lost = convergence.lost + bad.lost.node + bad.lost.browser + catchUpResult.lost;
const failures = [...convergence.failures, bad.failure, catchUpResult.failure].filter(Boolean) as string[];
const results = {
	measuredAt: new Date().toISOString(),
	minutes,
	seed,
	machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', node: process.version },
	durationSeconds: Math.round((Date.now() - started) / 1000),
	ok: failures.length === 0 && lost === 0,
	buildNote,
	messagesLost: lost,
	failures,
	operations,
	faultsInjected,
	convergence,
	badNetwork: bad,
	catchUp: catchUpResult
};
writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, '\t')}\n`);

const opsLine = Object.entries(sumOps)
	.map(([k, n]) => `${k} ${n}`)
	.join(', ');
console.log(`
Soak: ${minutes} min, SEED=${seed}, ${results.durationSeconds} s
Convergence: ${rounds.length} rounds of 300 steps, five clients, relay kill -9 included
  operations: ${opsLine}
  proxy: ${convergence.proxyFaults.cuts} connections cut, ${convergence.proxyFaults.refused} refused while cut
  messages: ${convergence.messagesWritten} written, ${convergence.messagesAcknowledged} acknowledged by the relay before healing, ${convergence.lost} lost
  converged after healing: median ${convergence.convergeMs?.median ?? '—'} ms, max ${convergence.convergeMs?.max ?? '—'} ms
Bad network: ${Math.round(bad.durationMs / 1000)} s, ${bad.nodeClients} Node clients + the app in Chromium
  link: delay ${describeLink(bad.link)}
  faults: ${bad.faults.stalls} stalls, ${bad.faults.resets} resets, ${bad.cuts} network cuts (${bad.faults.cuts} connections cut), over ${bad.faults.connections} connections
  messages: ${bad.messages.node} from Node (${bad.messages.nodeAcknowledged} acknowledged), ${bad.messages.browser} from the browser; lost ${bad.lost.node + bad.lost.browser}
  converged after the faults stopped: ${bad.convergeMs ?? '—'} ms
Catch-up: ${catchUpResult.backlog} messages (8-hour backlog) at ${catchUpResult.rttMs} ms RTT, ${catchUpResult.faultShare * 100}% of connections stalled or reset
  ${catchUpResult.trials.length} trials: median ${catchUpResult.medianMs ?? '—'} ms (of which connected ${catchUpResult.medianSyncMs ?? '—'} ms), max ${catchUpResult.maxMs ?? '—'} ms; lost ${catchUpResult.lost}
  first connection stalled on purpose: ${catchUpResult.forced.stall?.ms ?? '—'} ms; reset on purpose: ${catchUpResult.forced.reset?.ms ?? '—'} ms
Operations: ${Object.entries(operations).map(([k, n]) => `${n} ${k}`).join(', ')}
Faults injected: ${Object.entries(faultsInjected).map(([k, n]) => `${n} ${k}`).join(', ')}
Messages lost: ${lost}${failures.length ? `\nFAILURES:\n  ${failures.join('\n  ')}` : ''}
Written to soak/results.json
`);
finished = true;
process.exit(results.ok ? 0 : 1);

function describeLink(link: typeof bad.link): string {
	const { up = {}, down = {} } = link;
	return (
		`${up.delayMs}+${up.jitterMs} ms up, ${down.delayMs}+${down.jitterMs} ms down, caps ${(up.bytesPerSecond ?? 0) / 1024}/${(down.bytesPerSecond ?? 0) / 1024} KiB/s, ` +
		`${(link.stallRate ?? 0) * 100}% of new connections stalled and ${(link.resetRate ?? 0) * 100}% reset within ${(link.faultWithinMs ?? 0) / 1000} s`
	);
}
