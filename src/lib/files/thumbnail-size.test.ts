import { describe, expect, it } from 'vitest';
import { decodeSize, fitWithin, MAX_THUMBNAIL_BYTES, shownSize, THUMBNAIL_STEPS } from './thumbnail-size';

describe('thumbnail sizing', () => {
	it('fits the longer side into the edge, keeps the shape, and never enlarges', () => {
		expect(fitWithin({ width: 4000, height: 3000 }, 320)).toEqual({ width: 320, height: 240 });
		expect(fitWithin({ width: 3000, height: 4000 }, 320)).toEqual({ width: 240, height: 320 });
		expect(fitWithin({ width: 200, height: 100 }, 320)).toEqual({ width: 200, height: 100 });
		// A panorama stays at least a pixel high.
		expect(fitWithin({ width: 20_000, height: 10 }, 320)).toEqual({ width: 320, height: 1 });
		// Never past the schema's limit, whatever is asked.
		expect(fitWithin({ width: 4000, height: 3000 }, 5000).width).toBe(480);
	});

	it('decodes a JPEG at the smallest of 1/2, 1/4, 1/8 that still covers the thumbnail', () => {
		expect(decodeSize({ width: 4000, height: 3000 }, 320)).toEqual({ width: 500, height: 375 });
		expect(decodeSize({ width: 1600, height: 1200 }, 320)).toEqual({ width: 400, height: 300 });
		expect(decodeSize({ width: 1000, height: 750 }, 320)).toEqual({ width: 500, height: 375 });
		expect(decodeSize({ width: 500, height: 375 }, 320)).toEqual({ width: 500, height: 375 });
		expect(decodeSize({ width: 4001, height: 3001 }, 320)).toEqual({ width: 501, height: 376 });
	});

	it('swaps the picture’s size when the decoder turned it for its EXIF orientation', () => {
		const coded = { width: 4000, height: 3000 };
		expect(shownSize(coded, { codedWidth: 500, codedHeight: 375, displayWidth: 375, displayHeight: 500 })).toEqual({ width: 3000, height: 4000 });
		expect(shownSize(coded, { codedWidth: 500, codedHeight: 375, displayWidth: 500, displayHeight: 375 })).toEqual(coded);
		expect(shownSize({ width: 800, height: 800 }, { codedWidth: 100, codedHeight: 100, displayWidth: 100, displayHeight: 100 })).toEqual({ width: 800, height: 800 });
	});

	it('steps down from a sharp thumbnail to smaller ones, all within the schema’s limits', () => {
		expect(THUMBNAIL_STEPS[0]).toEqual({ edge: 320, quality: 0.75 });
		for (let i = 1; i < THUMBNAIL_STEPS.length; i++) {
			const [before, step] = [THUMBNAIL_STEPS[i - 1]!, THUMBNAIL_STEPS[i]!];
			expect(step.edge * step.quality).toBeLessThan(before.edge * before.quality);
		}
		expect(MAX_THUMBNAIL_BYTES).toBeLessThanOrEqual(30_000);
	});
});
