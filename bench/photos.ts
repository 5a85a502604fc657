// A 12-megapixel photo's thumbnail, made in Chromium by the app's own code (src/lib/files/thumbnail.ts, bundled for
// the page), as `Take photo` makes it before sharing. Baseline, in the same page and run: decoding the same photo at
// full size with createImageBitmap (and drawn once, so it is decoded), which is what a thumbnail maker without scaled decoding has to do first.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { photoJpeg } from '../tests/e2e/photo.ts';
import { launchBrowser } from './lib/browser.ts';
import { atMost, figure, noGoal, type BenchGroup } from './lib/figure.ts';
import { ROOT } from './lib/relays.ts';
import { percentile } from './lib/stats.ts';

const RUNS = 7;

/** What the bundle of src/lib/files/thumbnail.ts offers the page (typed here: the bench does not compile $lib paths). */
interface ThumbnailMaker {
	makeThumbnail(picture: Blob): Promise<{ thumbnail: { type: string; width: number; height: number; bytes: Uint8Array } }>;
}

export const photos: BenchGroup = {
	name: 'Photo thumbnails',
	async run({ quick, log }) {
		const script = await bundleThumbnailMaker();
		// ImageDecoder (WebCodecs) needs a secure context: a page of 127.0.0.1.
		const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>'));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const browser = await launchBrowser();
		try {
			const page = await browser.newPage();
			await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
			await page.addScriptTag({ content: script });
			const jpeg = await photoJpeg(page, 4000, 3000, 'SC-1042');
			const runs = quick ? 3 : RUNS;
			const times = await page.evaluate(
				async ([base64, runs]) => {
					const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
					const photo = new Blob([bytes], { type: 'image/jpeg' });
					const { makeThumbnail } = (window as unknown as { thumbnails: ThumbnailMaker }).thumbnails;
					const result = { thumbnail: [] as number[], decode: [] as number[], bytes: 0, size: '' };
					// Run 0 warms the decoders up and is not timed.
					for (let run = 0; run <= runs; run++) {
						let start = performance.now();
						const made = await makeThumbnail(photo);
						const thumbnailMs = performance.now() - start;
						start = performance.now();
						// Drawn once, so the decode cannot be deferred past the measurement.
						const bitmap = await createImageBitmap(photo);
						new OffscreenCanvas(1, 1).getContext('2d')!.drawImage(bitmap, 0, 0, 1, 1);
						const decodeMs = performance.now() - start;
						bitmap.close();
						if (run === 0) continue;
						result.thumbnail.push(thumbnailMs);
						result.decode.push(decodeMs);
						result.bytes = made.thumbnail.bytes.length;
						result.size = `${made.thumbnail.width}×${made.thumbnail.height} ${made.thumbnail.type}`;
					}
					return result;
				},
				[jpeg.toString('base64'), runs] as const
			);
			log(`thumbnail ${times.thumbnail.map(Math.round).join(', ')} ms; full decode ${times.decode.map(Math.round).join(', ')} ms; ${times.size}, ${times.bytes} bytes from a ${jpeg.length}-byte JPEG`);
			return [
				figure(`thumbnail of a 12-megapixel photo (median of ${runs})`, percentile(times.thumbnail, 50), 'ms', percentile(times.decode, 50), atMost(300), 'baseline: decoding the photo at full size (createImageBitmap, drawn once)'),
				figure(`thumbnail of a 12-megapixel photo: worst of ${runs}`, Math.max(...times.thumbnail), 'ms', Math.max(...times.decode), noGoal),
				figure('thumbnail of a 12-megapixel photo: size', times.bytes / 1000, 'KB', null, atMost(30))
			];
		} finally {
			await browser.close();
			server.close();
		}
	}
};

/** The app's thumbnail maker as one script that sets `window.thumbnails`. */
async function bundleThumbnailMaker(): Promise<string> {
	const result = await build({
		entryPoints: [join(ROOT, 'src/lib/files/thumbnail.ts')],
		bundle: true,
		write: false,
		format: 'iife',
		globalName: 'thumbnails',
		target: 'es2022',
		alias: { $lib: join(ROOT, 'src/lib') },
		logLevel: 'silent'
	});
	return result.outputFiles[0]!.text;
}
