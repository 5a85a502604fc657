import { describe, expect, it } from 'vitest';
import { bufferSource, READ_WINDOW, type ByteSource } from './chunking';
import { sha256Hex, streamingSha256 } from './hash';
import { buildManifest } from './manifest';

const text = (s: string) => new TextEncoder().encode(s);

describe('streaming SHA-256', () => {
	it('gives the FIPS 180-2 test vectors', async () => {
		const vectors: [string, string][] = [
			['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
			['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
			['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1']
		];
		for (const [input, expected] of vectors) {
			const hash = await streamingSha256();
			hash.update(text(input));
			expect(hash.digest()).toBe(expected);
		}
		// One million 'a', fed in uneven pieces.
		const hash = await streamingSha256();
		for (let fed = 0; fed < 1_000_000; ) {
			const n = Math.min(7919, 1_000_000 - fed);
			hash.update(new Uint8Array(n).fill(0x61));
			fed += n;
		}
		expect(hash.digest()).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
	});

	it('agrees with WebCrypto on random data split anywhere', async () => {
		for (const size of [1, 63, 64, 65, 1000, 300_001]) {
			const data = new Uint8Array(size);
			for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(size, i + 65536)));
			const hash = await streamingSha256();
			let at = 0;
			while (at < size) {
				const n = 1 + Math.floor(Math.random() * 5000);
				hash.update(data.subarray(at, at + n));
				at += n;
			}
			expect(hash.digest()).toBe(await sha256Hex(data));
		}
	});

	it('keeps two files hashed at once apart', async () => {
		const [a, b] = [await streamingSha256(), await streamingSha256()];
		a.update(text('ab'));
		b.update(text('xy'));
		a.update(text('c'));
		expect(a.digest()).toBe(await sha256Hex(text('abc')));
		expect(b.digest()).toBe(await sha256Hex(text('xy')));
	});

	it('builds a manifest reading a window at a time, never the whole file', async () => {
		const size = 5 * 1024 * 1024 + 17;
		const chunkSize = 256 * 1024;
		const data = crypto.getRandomValues(new Uint8Array(65536));
		// A source that makes up its bytes on request and records the biggest read.
		let biggest = 0;
		const source: ByteSource = {
			size,
			slice: async (start, end) => {
				biggest = Math.max(biggest, end - start);
				return Uint8Array.from({ length: end - start }, (_, i) => data[(start + i) % data.length]!);
			}
		};
		const seen: number[] = [];
		const manifest = await buildManifest(source, chunkSize, (index) => void seen.push(index));
		// A read window at a time (4 MiB), never the whole 5 MiB.
		expect(biggest).toBe(READ_WINDOW);
		expect(seen).toEqual([...Array(manifest.chunks.length).keys()]);
		const whole = await source.slice(0, size);
		expect(manifest.sha256).toBe(await sha256Hex(whole));
		expect(manifest).toEqual(await buildManifest(bufferSource(whole), chunkSize));
	});
});
