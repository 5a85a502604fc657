import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from './file-name';

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
});
