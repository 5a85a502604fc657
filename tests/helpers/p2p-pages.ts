// Pages that run the app's peer-to-peer file code (tests/p2p-page/entry.ts, bundled here with vite) in real
// Chromium against a real relay's /peerjs, for the P2P rules tests and the bench. The bundle runs in a document the
// relay itself served (/health), so /peerjs is same-origin and on loopback, as for the app: the relay's Origin check
// and Chromium's local network access checks see what they see for the real app.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from './relay.ts';

export interface P2pPages {
	/** A fresh page (its own browser context, so its own IndexedDB) with window.p2p ready. */
	page(browser: Browser): Promise<Page>;
	close(): Promise<void>;
}

/** Builds the page bundle (a few seconds); each page is a document of the relay's origin with the bundle in it. */
export async function p2pPages(relayUrl: string): Promise<P2pPages> {
	const outDir = mkdtempSync(join(tmpdir(), 'caseroom-p2p-page-'));
	const { build } = await import('vite');
	await build({
		configFile: false,
		logLevel: 'warn',
		root: ROOT,
		resolve: { alias: { $lib: join(ROOT, 'src/lib') } },
		build: {
			outDir,
			emptyOutDir: true,
			minify: false,
			lib: { entry: join(ROOT, 'tests/p2p-page/entry.ts'), formats: ['es'], fileName: () => 'p2p.js' },
			rollupOptions: { output: { inlineDynamicImports: true } }
		}
	});
	const script = readFileSync(join(outDir, 'p2p.js'), 'utf8');
	rmSync(outDir, { recursive: true, force: true });
	return {
		async page(browser) {
			const page = await (await browser.newContext()).newPage();
			await page.goto(`${relayUrl}/health`);
			await page.addScriptTag({ content: script, type: 'module' });
			await page.waitForFunction(() => 'p2p' in globalThis);
			return page;
		},
		async close() {}
	};
}

/** Where the page's PeerJS finds the relay's /peerjs. */
export function relayServer(relayUrl: string): { host: string; port: number; secure: boolean } {
	const url = new URL(relayUrl);
	return { host: url.hostname, port: Number(url.port), secure: url.protocol === 'https:' };
}
