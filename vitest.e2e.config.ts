// End-to-end tests: the real relay (as `npm start` runs it) driven through Debian's Chromium by playwright-core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.e2e.ts', 'tests/webkit/**/*.webkit.ts'],
		globalSetup: ['tests/e2e/global-setup.ts'],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		// Each file starts its own relay and browser; two cores here, so one file at a time.
		fileParallelism: false
	}
});
