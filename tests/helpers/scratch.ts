// Temporary folders and open stores for storage tests: every folder removed and every store closed after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export interface Scratch {
	/** A new empty folder under the temp directory. */
	dir(): string;
	/** Closed after the test. */
	keep<T extends { close(): Promise<void> }>(store: T): T;
}

export function scratch(prefix: string): Scratch {
	const dirs: string[] = [];
	const stores: { close(): Promise<void> }[] = [];
	afterEach(async () => {
		await Promise.allSettled(stores.splice(0).map((s) => s.close()));
		for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
	});
	return {
		dir() {
			const dir = mkdtempSync(join(tmpdir(), prefix));
			dirs.push(dir);
			return dir;
		},
		keep(store) {
			stores.push(store);
			return store;
		}
	};
}
