// The relay serves the built PWA: content types (wasm, web manifest), caching that lets a service worker update,
// gzip, the SPA fallback for client routes, and a clear 503 when the app was never built.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, tempDataDir, type TestRelay } from '../helpers/relay.ts';

let staticDir: string;
let relay: TestRelay;
const script = `console.log(${JSON.stringify('caseroom '.repeat(500))});`;

beforeAll(async () => {
	staticDir = tempDataDir('caseroom-build-');
	mkdirSync(join(staticDir, '_app/immutable/entry'), { recursive: true });
	writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Caseroom</title>');
	writeFileSync(join(staticDir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
	writeFileSync(join(staticDir, 'manifest.webmanifest'), '{"name":"Caseroom"}');
	writeFileSync(join(staticDir, '_app/immutable/entry/app.Ab12.js'), script);
	writeFileSync(join(staticDir, '_app/immutable/automerge.C3d4.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
	relay = await startRelay({ staticDir });
});
afterAll(async () => {
	await relay?.close();
	rmSync(staticDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${relay.url}${path}`, { headers });

describe('the PWA files', () => {
	it('serves the right content types and cache rules', async () => {
		const index = await get('/');
		expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(index.headers.get('cache-control')).toBe('no-cache');
		expect(await index.text()).toContain('<title>Caseroom</title>');

		expect((await get('/sw.js')).headers.get('cache-control')).toBe('no-cache');
		expect((await get('/manifest.webmanifest')).headers.get('content-type')).toMatch(/^application\/manifest\+json/);
		const wasm = await get('/_app/immutable/automerge.C3d4.wasm');
		expect(wasm.headers.get('content-type')).toBe('application/wasm');
		expect(wasm.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
	});

	it('gzips compressible files for clients that accept it, and revalidates with ETag', async () => {
		const js = await get('/_app/immutable/entry/app.Ab12.js', { 'accept-encoding': 'gzip' });
		expect(js.headers.get('content-encoding')).toBe('gzip');
		expect(Number(js.headers.get('content-length'))).toBeLessThan(script.length / 10);
		expect(await js.text()).toBe(script);
		const etag = (await get('/sw.js')).headers.get('etag')!;
		expect((await get('/sw.js', { 'if-none-match': etag })).status).toBe(304);
	});

	it('answers client routes with index.html, and missing files with 404', async () => {
		const route = await get('/conferencing/2k3Y5pCrQzFmW6bsfNPXp8akjGqE', { accept: 'text/html,*/*' });
		expect(route.status).toBe(200);
		expect(await route.text()).toContain('<title>Caseroom</title>');
		expect((await get('/_app/immutable/entry/gone.js', { accept: 'text/html' })).status).toBe(404);
		expect((await get('/missing.png', { accept: 'image/*' })).status).toBe(404);
		const api = await get('/api/missing', { accept: 'text/html' });
		expect(api.status).toBe(404);
		expect(await api.json()).toHaveProperty('error');
	});

	it('never serves files outside the build', async () => {
		const status = await new Promise<number>((resolve, reject) =>
			http.get(`${relay.url}/..%2F..%2Fetc%2Fpasswd`, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject)
		);
		expect(status).toBe(404);
	});

	it('says how to build the app when it is missing', async () => {
		const unbuilt = await startRelay({ staticDir: join(staticDir, 'does-not-exist') });
		try {
			const res = await fetch(`${unbuilt.url}/`);
			expect(res.status).toBe(503);
			expect(await res.text()).toMatch(/npm run build/);
			expect((await fetch(`${unbuilt.url}/health`)).status).toBe(200);
		} finally {
			await unbuilt.close();
		}
	});
});
