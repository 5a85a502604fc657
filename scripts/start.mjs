// `npm start`: build what is missing or stale (the app, the relay), then run the compiled relay in this same Node
// process, so a supervisor sees one process to watch and kill.
import { buildIfStale } from './build-if-stale.mjs';
import { runRelay } from './build-relay.mjs';

if (process.env.SKIP_BUILD !== '1') buildIfStale();
await runRelay('main');
