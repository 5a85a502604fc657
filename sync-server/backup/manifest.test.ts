import { describe, expect, it } from 'vitest';
import { BackupError, decodeManifest, encodeManifest, isDataPath, makeManifest, sha256Sums } from './manifest.ts';

const file = (path: string) => ({ path, bytes: 3, sha256: 'a'.repeat(64) });
const manifest = (files = [file('token-key'), file('directory.jsonl'), file('automerge/log/0000000000000001.log')]) =>
	makeManifest({ createdAt: '2026-12-03T14:00:00.000Z', source: { dataDir: '/srv/caseroom', relayRunning: true }, compactionHeldMs: 12, holdWaitedMs: 0, files });
const refusal = (text: string) => {
	try {
		decodeManifest(text);
	} catch (err) {
		expect(err).toBeInstanceOf(BackupError);
		return (err as Error).message;
	}
	throw new Error('accepted');
};

describe('a backup manifest', () => {
	it('reads back what was written, and lists the same files for sha256sum -c', () => {
		expect(decodeManifest(encodeManifest(manifest()))).toEqual(manifest());
		expect(sha256Sums([file('token-key')])).toBe(`${'a'.repeat(64)}  token-key\n`);
	});

	it('names only files a relay keeps in DATA_DIR', () => {
		for (const ok of ['token-key', 'directory.jsonl', 'automerge/ab/cdef/snapshot/00ff', 'blobs/' + 'f'.repeat(64) + '/chunks/0']) expect(isDataPath(ok), ok).toBe(true);
		for (const bad of ['relay.lock', 'admin.sock', '../etc/passwd', '/etc/passwd', 'automerge/../token-key', 'automerge', 'token-key/x', 'blobs//x', 'automerge/a b', ''])
			expect(isDataPath(bad), bad).toBe(false);
	});

	it('refuses a damaged or foreign manifest, saying why', () => {
		expect(refusal('{"format":"caseroom-backup"')).toMatch(/manifest\.json cannot be read .*: the backup is damaged/);
		expect(refusal('{"format":"zip"}')).toMatch(/not the manifest of a Caseroom backup/);
		expect(refusal(JSON.stringify({ ...manifest(), version: 2 }))).toMatch(/format version 2; this relay restores version 1/);
		expect(refusal(encodeManifest(manifest([file('token-key'), file('../../home/x')])))).toMatch(/lists "..\/..\/home\/x", which is not a file a relay keeps/);
		expect(refusal(encodeManifest(manifest([{ ...file('token-key'), sha256: 'xyz' }])))).toMatch(/damaged at token-key/);
		expect(refusal(encodeManifest(manifest([file('token-key'), file('token-key')])))).toMatch(/lists token-key twice/);
		expect(refusal(encodeManifest(manifest([file('blobs/aa/manifest.json')])))).toMatch(/none of a relay's data/);
	});
});
