import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		// In `npm run dev` the relay runs beside Vite (npm run relay); the app talks to it through these.
		proxy: {
			'/api': 'http://127.0.0.1:3030',
			'/health': 'http://127.0.0.1:3030',
			'/sync': { target: 'ws://127.0.0.1:3030', ws: true },
			'/peerjs': { target: 'http://127.0.0.1:3030', ws: true }
		}
	},
	test: {
		include: ['src/**/*.test.ts', 'sync-server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		globalSetup: ['tests/helpers/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Two files at a time on the 2-core machine (vitest's default is cores - 1): most integration files spend
		// their time waiting on relays, databases and timers, so the pair takes ~3.5 min where one at a time took ~6.
		maxWorkers: 2
	}
});
