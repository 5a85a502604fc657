import { describe, expect, it } from 'vitest';
import { cameraFileName, sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
	it('keeps ordinary names, including Czech ones', () => {
		expect(sanitizeFileName('Alarm log 2026.pdf')).toBe('Alarm log 2026.pdf');
		expect(sanitizeFileName('vřeteno – vibrace.jpg')).toBe('vřeteno – vibrace.jpg');
	});

	it('strips paths so a name cannot escape a folder', () => {
		expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
		expect(sanitizeFileName('C:\\Windows\\system32\\evil.dll')).toBe('evil.dll');
		expect(sanitizeFileName('..')).toBe('file');
		expect(sanitizeFileName('dir/')).toBe('file');
	});

	it('removes control characters and bidi tricks', () => {
		expect(sanitizeFileName('a\u0000b\nc\u007f.txt')).toBe('abc.txt');
		expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
	});

	it('avoids reserved and hidden names', () => {
		expect(sanitizeFileName('CON')).toBe('_CON');
		expect(sanitizeFileName('nul.txt')).toBe('_nul.txt');
		expect(sanitizeFileName('.bashrc')).toBe('bashrc');
		expect(sanitizeFileName('report.pdf. . ')).toBe('report.pdf');
		expect(sanitizeFileName('a<b>:c?.txt')).toBe('a_b__c_.txt');
		expect(sanitizeFileName('')).toBe('file');
	});

	it('limits length in bytes and keeps the extension', () => {
		const long = 'ž'.repeat(300) + '.png';
		const safe = sanitizeFileName(long);
		expect(new TextEncoder().encode(safe).byteLength).toBeLessThanOrEqual(200);
		expect(safe.endsWith('.png')).toBe(true);
		expect(safe.startsWith('žž')).toBe(true);
	});

	it('names camera photos that all have the same name by when they were taken, and leaves chosen names alone', () => {
		const at = new Date(2026, 11, 3, 14, 5, 32);
		expect(cameraFileName('image.jpg', at)).toBe('Photo 2026-12-03 14.05.32.jpg');
		expect(cameraFileName('1764770732123.JPG', at)).toBe('Photo 2026-12-03 14.05.32.jpg');
		expect(cameraFileName('IMG_20261203_140532.jpg', at)).toBe('Photo 2026-12-03 14.05.32.jpg');
		expect(cameraFileName('alarm screen.jpg', at)).toBe('alarm screen.jpg');
		expect(cameraFileName('spindle.png', at)).toBe('spindle.png');
	});
});
