// `npm run relay` (`run-relay.mjs main`: the relay alone, beside `npm run dev`, which serves the app itself) and
// `npm run admin -- <command>` (`run-relay.mjs admin <command>`): the compiled relay's entry point, built when stale.
import { runRelay } from './build-relay.mjs';

const [entry] = process.argv.splice(2, 1); // the entry's own arguments follow, as if it had been run directly
if (entry !== 'main' && entry !== 'admin') throw new Error('usage: node scripts/run-relay.mjs main|admin [arguments…]');
await runRelay(entry);
