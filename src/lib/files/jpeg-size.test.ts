import { describe, expect, it } from 'vitest';
import { jpegSize } from './jpeg-size';

const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
const app0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
/** An EXIF block saying "turn 90°" (orientation 6), as cameras write before the frame header. */
const exif = segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
const dqt = segment(0xdb, Array.from({ length: 65 }, (_, i) => i));
const sof = (marker: number, width: number, height: number) => segment(marker, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
const jpeg = (...parts: number[][]) => new Uint8Array([0xff, 0xd8, ...parts.flat()]);

describe('jpegSize', () => {
	it('reads the frame header behind JFIF, EXIF and tables', () => {
		expect(jpegSize(jpeg(app0, exif, dqt, sof(0xc0, 4000, 3000)))).toEqual({ width: 4000, height: 3000 });
		expect(jpegSize(jpeg(exif, sof(0xc2, 640, 480)))).toEqual({ width: 640, height: 480 });
	});

	it('skips fill bytes between segments', () => {
		expect(jpegSize(jpeg([0xff, 0xff], app0, sof(0xc1, 3, 2)))).toEqual({ width: 3, height: 2 });
	});

	it('says null for what it cannot read: not a JPEG, cut short, a scan before any frame, a broken length', () => {
		expect(jpegSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
		expect(jpegSize(jpeg(app0, exif).subarray(0, 30))).toBeNull();
		expect(jpegSize(jpeg(app0, segment(0xda, [1, 2, 3])))).toBeNull();
		expect(jpegSize(jpeg([0xff, 0xe0, 0, 0]))).toBeNull();
		expect(jpegSize(jpeg(sof(0xc0, 0, 10)))).toBeNull();
		expect(jpegSize(new Uint8Array())).toBeNull();
	});
});
