// Photos for the tests and benchmarks: a JPEG drawn in Chromium (gradient, shapes, a label and sensor-like noise, so
// it compresses like a photograph), and the EXIF block a tablet camera writes when the picture must be turned.
import type { Page } from 'playwright-core';

/**
 * A JPEG that shows `width` × `height` drawn in `page` (any page of a secure origin: OffscreenCanvas). `turned`:
 * stored a quarter turn anticlockwise, as a camera held upright stores it; add withExifOrientation(…, 6) to show it.
 */
export async function photoJpeg(page: Page, width: number, height: number, label: string, turned = false): Promise<Buffer> {
	const base64 = await page.evaluate(
		async ([width, height, label, turned]) => {
			const upright = new OffscreenCanvas(width, height);
			const g = upright.getContext('2d')!;
			const sky = g.createLinearGradient(0, 0, width, height);
			sky.addColorStop(0, '#34506b');
			sky.addColorStop(1, '#d9b98a');
			g.fillStyle = sky;
			g.fillRect(0, 0, width, height);
			for (let i = 0; i < 300; i++) {
				g.fillStyle = `hsl(${(i * 37) % 360} 55% ${30 + (i % 40)}%)`;
				g.beginPath();
				g.arc((i * 997) % width, (i * 613) % height, (width / 200) * (1 + (i % 9)), 0, 2 * Math.PI);
				g.fill();
			}
			// The left third red, so a test can tell which way up the picture is shown.
			g.fillStyle = '#d62828';
			g.fillRect(0, 0, width / 3, height);
			g.fillStyle = '#fff';
			g.font = `bold ${Math.round(height / 8)}px sans-serif`;
			g.fillText(label, width / 10, height / 2);
			const pixels = g.getImageData(0, 0, width, height);
			let seed = 1;
			for (let i = 0; i < pixels.data.length; i += 4) {
				seed = (seed * 1103515245 + 12345) & 0x7fffffff;
				const n = (seed >> 16) % 24;
				for (let c = 0; c < 3; c++) pixels.data[i + c] = pixels.data[i + c]! + n;
			}
			g.putImageData(pixels, 0, 0);
			let canvas = upright;
			if (turned) {
				canvas = new OffscreenCanvas(height, width);
				const t = canvas.getContext('2d')!;
				t.translate(0, width);
				t.rotate(-Math.PI / 2);
				t.drawImage(upright, 0, 0);
			}
			const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
			let binary = '';
			for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
			return btoa(binary);
		},
		[width, height, label, turned] as const
	);
	return Buffer.from(base64, 'base64');
}

/** The JPEG with an EXIF block saying how to turn it (6: a quarter turn clockwise, as a tablet held upright writes). */
export function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
	const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
	const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
	const app1 = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload]);
	return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}
