// Builds the app and the relay once before the browser tests, exactly as `npm start` would; each test file then
// runs scripts/start.mjs with SKIP_BUILD=1.
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { buildRelayIfStale } from '../../scripts/build-relay.mjs';

export default async function setup() {
	buildIfStale();
	await buildRelayIfStale();
}
