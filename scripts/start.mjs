// `npm start`: build what is missing, then run the relay in this same Node process (tsx compiles its
// TypeScript in memory), so a supervisor sees one process to watch and kill.
import { register } from 'tsx/esm/api';
import { buildIfStale } from './build-if-stale.mjs';

if (process.env.SKIP_BUILD !== '1') buildIfStale();
// The relay reports its start-up time from here, not counting the build.
process.env.CASEROOM_START_MARK = String(performance.now());
register();
await import('../sync-server/main.ts');
