// Builds the app once before the browser tests, exactly as `npm start` would.
import { buildIfStale } from '../../scripts/build-if-stale.mjs';

export default function setup() {
	buildIfStale();
}
