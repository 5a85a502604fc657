// Builds the PWA into build/ when it is missing or older than its sources, so `npm start` on a fresh clone
// just works and a developer's edit is never served stale.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isStale } from './stale.mjs';

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const STAMP = join('build', 'index.html');

export function buildIfStale(root = process.cwd()) {
	if (!isStale(join(root, STAMP), SOURCES.map((s) => join(root, s)))) return false;
	console.log('Building the Caseroom app (build/ is missing or older than its sources)…');
	const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
		cwd: root,
		stdio: 'inherit',
		// The same build `npm start` serves, whatever NODE_ENV the caller has: vitest sets `test`, and Vite then
		// builds a development bundle (import.meta.env.DEV true).
		env: { ...process.env, NODE_ENV: 'production' }
	});
	if (result.status !== 0) throw new Error(`The app build failed (exit ${result.status}).`);
	return true;
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfStale();
