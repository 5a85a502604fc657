// Compiles the relay to plain JavaScript in build-relay/, so that `npm start`, `npm run relay` and `npm run admin`
// run it with plain `node` and compile nothing at start: sync-server/main.ts → main.js, sync-server/admin/cli.ts →
// admin.js, esbuild bundles of the relay's own modules and the src/lib/ code they import. A module the relay imports
// dynamically (import()) becomes a chunk of its own, loaded only then with the packages it imports (chunks/, named
// by content: a rebuild adds new ones and leaves those a running relay may still load). Packages stay imports from
// node_modules (resolved at run time, as from the sources), so a path found through import.meta.resolve still points
// into node_modules. Rebuilt when missing or older than the files the last build
// read (listed in build-relay/sources.json, its stamp) or than this script.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './stale.mjs';

const OUT = 'build-relay';
const ENTRIES = { main: 'sync-server/main.ts', admin: 'sync-server/admin/cli.ts' };
const STAMP = join(OUT, 'sources.json');

/** Builds build-relay/ when it is stale; true when it built. */
export async function buildRelayIfStale(root = process.cwd()) {
	const stamp = join(root, STAMP);
	if (!isStale(stamp, [fileURLToPath(import.meta.url), ...lastSources(root)])) return false;
	console.error('Compiling the relay (build-relay/ is missing or older than its sources)…');
	// Loaded only to build: a start on a fresh build-relay/ does not pay for it.
	const { build } = await import('esbuild');
	const result = await build({
		absWorkingDir: root,
		entryPoints: ENTRIES,
		outdir: OUT,
		bundle: true,
		packages: 'external',
		platform: 'node',
		format: 'esm',
		splitting: true,
		chunkNames: 'chunks/[name]-[hash]',
		target: 'node20.19',
		// The relay's own (the root one extends SvelteKit's, which a fresh clone has not generated yet).
		tsconfig: 'sync-server/tsconfig.json',
		// Not loaded by default (they cost ~4 MB at rest): NODE_OPTIONS=--enable-source-maps for stack traces that
		// name the TypeScript sources. Unminified, the bundle's own lines say which source module they come from.
		sourcemap: 'linked',
		metafile: true,
		write: false,
		logLevel: 'warning'
	});
	mkdirSync(join(root, OUT, 'chunks'), { recursive: true });
	// A relay or admin command starting while another process builds must never read a half-written file, nor an
	// entry point whose chunks are not written yet.
	const entries = new Set(Object.keys(ENTRIES).map((name) => join(root, OUT, `${name}.js`)));
	const chunksFirst = [...result.outputFiles].sort((a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)));
	for (const file of chunksFirst) writeAtomically(file.path, file.contents);
	writeAtomically(stamp, JSON.stringify(Object.keys(result.metafile.inputs), null, '\t'));
	return true;
}

/** Builds when stale (unless SKIP_BUILD=1: the caller built already), then runs build-relay/<entry>.js in this process. */
export async function runRelay(entry, root = process.cwd()) {
	// esbuild's service process would otherwise live as long as the relay it built: `npm start` is one process.
	if (process.env.SKIP_BUILD !== '1' && (await buildRelayIfStale(root))) await (await import('esbuild')).stop();
	// The relay reports its start-up time from here, not counting a build.
	process.env.CASEROOM_START_MARK = String(performance.now());
	const file = join(root, OUT, `${entry}.js`);
	if (!existsSync(file)) throw new Error(`${OUT}/${entry}.js is missing: run \`node scripts/build-relay.mjs\`, or start without SKIP_BUILD=1.`);
	await import(pathToFileURL(file).href);
}

function lastSources(root) {
	try {
		return JSON.parse(readFileSync(join(root, STAMP), 'utf8')).map((source) => join(root, source));
	} catch {
		return []; // no stamp: stale anyway
	}
}

function writeAtomically(path, contents) {
	const temp = `${path}.tmp-${process.pid}`;
	writeFileSync(temp, contents);
	renameSync(temp, path);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const built = await buildRelayIfStale();
	if (!built) console.error(`${OUT}/ is up to date.`);
}
