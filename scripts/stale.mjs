// Whether a build is stale: its stamp file is missing or older than one of its sources (a file, or a folder and
// everything in it). The app's build (build-if-stale.mjs) and the relay's (build-relay.mjs) both ask this.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// One stat per file (it runs at every start, on a few hundred files).
function newestMtime(path) {
	const stat = statSync(path, { throwIfNoEntry: false });
	if (!stat) return 0;
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

/** True when `stamp` is missing or older than any of `sources` (absolute paths; a missing source counts as old). */
export function isStale(stamp, sources) {
	const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs;
	return built === undefined || sources.some((source) => newestMtime(source) > built);
}
