// Reads no UI state. The pixel size a JPEG declares in its frame header (SOFn), read from the file's first bytes
// without decoding it, so the thumbnail maker can ask the decoder for a smaller picture.
import type { Size } from './thumbnail-size';

/** Start-of-frame markers: baseline, extended, progressive, lossless, in Huffman and arithmetic coding. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The frame's width and height, or null when `head` is not a JPEG or ends before the frame header. */
export function jpegSize(head: Uint8Array): Size | null {
	if (head.length < 4 || head[0] !== 0xff || head[1] !== 0xd8) return null;
	let at = 2;
	while (at + 4 <= head.length) {
		if (head[at] !== 0xff) return null;
		const marker = head[at + 1]!;
		// Fill bytes, and markers that stand alone without a length.
		if (marker === 0xff) {
			at += 1;
			continue;
		}
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			at += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return null; // end of image, or the scan began: no frame header
		const length = (head[at + 2]! << 8) | head[at + 3]!;
		if (length < 2) return null;
		if (SOF.has(marker)) {
			if (at + 9 > head.length) return null;
			const height = (head[at + 5]! << 8) | head[at + 6]!;
			const width = (head[at + 7]! << 8) | head[at + 8]!;
			return width > 0 && height > 0 ? { width, height } : null;
		}
		at += 2 + length;
	}
	return null;
}
