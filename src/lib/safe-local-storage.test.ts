import { describe, expect, it } from 'vitest';
import { readLocal, removeLocal, writeLocal, type LocalStore } from './safe-local-storage';

/** localStorage on a full device, or with site data blocked: every call throws, as the browser's does. */
const refusing: LocalStore = {
	getItem: () => {
		throw new DOMException('blocked', 'SecurityError');
	},
	setItem: () => {
		throw new DOMException('full', 'QuotaExceededError');
	},
	removeItem: () => {
		throw new DOMException('blocked', 'SecurityError');
	}
};

describe('safe localStorage', () => {
	it('answers plainly instead of throwing when the storage refuses', () => {
		expect(writeLocal('k', 'v', refusing)).toBe(false);
		expect(readLocal('k', refusing)).toBeNull();
		expect(() => removeLocal('k', refusing)).not.toThrow();
		expect(writeLocal('k', 'v', null)).toBe(false); // no storage at all (Node, prerendering)
	});

	it('reads back what it wrote when the storage works', () => {
		const items = new Map<string, string>();
		const working: LocalStore = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
		expect(writeLocal('k', 'v', working)).toBe(true);
		expect(readLocal('k', working)).toBe('v');
		removeLocal('k', working);
		expect(readLocal('k', working)).toBeNull();
	});
});
