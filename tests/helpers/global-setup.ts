// Compiles the relay once before the unit and integration tests: the tests that run it as a child process
// (spawnRelay, runAdmin in relay.ts) run build-relay/, as `npm start` and `npm run admin` do.
import { buildRelayIfStale } from '../../scripts/build-relay.mjs';

export default async function setup() {
	await buildRelayIfStale();
}
