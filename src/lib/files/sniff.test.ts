import { describe, expect, it } from 'vitest';
import { isActiveContent, isViewableInline, refineType, sniffContentType } from './sniff';

const enc = (s: string) => new TextEncoder().encode(s);
const withHead = (head: number[], total = 64) => {
	const b = new Uint8Array(total);
	b.set(head);
	return b;
};

describe('sniffContentType', () => {
	it('recognises media by magic bytes', () => {
		expect(sniffContentType(withHead([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
		expect(sniffContentType(withHead([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
		expect(sniffContentType(enc('GIF89a\u0001\u0000'))).toBe('image/gif');
		expect(sniffContentType(enc('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp');
		expect(sniffContentType(enc('%PDF-1.7\n'))).toBe('application/pdf');
		expect(sniffContentType(withHead([0, 0, 0, 0x20, ...enc('ftypisom')]))).toBe('video/mp4');
		expect(sniffContentType(withHead([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]))).toBe('video/webm');
		expect(sniffContentType(enc('OggS\u0000\u0002'))).toBe('audio/ogg');
	});

	it('lets a recorder’s declared sound type stand only within the container the bytes show', () => {
		expect(refineType('video/webm', 'audio/webm;codecs=opus')).toBe('audio/webm');
		expect(refineType('video/mp4', 'audio/mp4')).toBe('audio/mp4');
		expect(refineType('video/mp4', 'audio/x-m4a')).toBe('audio/mp4');
		// A claim that does not match the bytes changes nothing.
		expect(refineType('video/webm', 'audio/mp4')).toBe('video/webm');
		expect(refineType('text/html', 'audio/webm')).toBe('text/html');
		expect(refineType('image/png', 'image/jpeg')).toBe('image/png');
		expect(isViewableInline('audio/webm')).toBe(true);
	});

	it('treats UTF-8 text as plain text and binary as unknown', () => {
		expect(sniffContentType(enc('Spindle vibration at 12 000 rpm\nvřeteno\n'))).toBe('text/plain');
		expect(sniffContentType(withHead([0x00, 0x01, 0x02, 0xfe]))).toBe('application/octet-stream');
		expect(sniffContentType(new Uint8Array([0xc3, 0x28]))).toBe('application/octet-stream');
		// A long text cut mid-character by the sample is still text.
		expect(sniffContentType(enc('ř'.repeat(3000)))).toBe('text/plain');
	});

	it('flags HTML, SVG and XML as active content whatever the name says', () => {
		const html = sniffContentType(enc('\ufeff  <!DOCTYPE html><p>hi'));
		const hidden = sniffContentType(enc('notes\n<script>alert(1)</script>'));
		const svg = sniffContentType(enc('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'));
		const xml = sniffContentType(enc('<?xml version="1.0"?><doc/>'));
		expect([html, hidden, svg, xml]).toEqual(['text/html', 'text/html', 'image/svg+xml', 'application/xml']);
		for (const t of [html, hidden, svg, xml]) {
			expect(isActiveContent(t)).toBe(true);
			expect(isViewableInline(t)).toBe(false);
		}
		expect(isViewableInline('image/png')).toBe(true);
		expect(isViewableInline('application/octet-stream')).toBe(false);
	});
});
