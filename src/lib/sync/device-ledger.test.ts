import { describe, expect, it } from 'vitest';
import { DeviceLedger, findLost } from './device-ledger';

/** localStorage as the browser has it, with a switch for a full device. */
class MemoryStorage implements Storage {
	full = false;
	#items = new Map<string, string>();
	get length() {
		return this.#items.size;
	}
	clear = () => this.#items.clear();
	getItem = (key: string) => this.#items.get(key) ?? null;
	key = (index: number) => [...this.#items.keys()][index] ?? null;
	removeItem = (key: string) => void this.#items.delete(key);
	setItem = (key: string, value: string) => {
		if (this.full) throw new DOMException('full', 'QuotaExceededError');
		this.#items.set(key, value);
	};
}

describe('findLost', () => {
	it('names the held documents the database no longer has, with the unsent messages in them', () => {
		expect(findLost({ a: 0, b: 2, c: 1 }, new Set(['a']))).toEqual({ lost: ['b', 'c'], unsentLost: 3 });
		expect(findLost({ a: 0 }, new Set(['a', 'z']))).toBeNull();
	});
});

describe('DeviceLedger', () => {
	it('remembers what the device held across visits and reports a cleared database once', () => {
		const storage = new MemoryStorage();
		const first = new DeviceLedger('anna', storage);
		expect(first.reconcile(new Set())).toBeNull();
		first.markHeld('conv-1');
		first.markHeld('conv-2');
		first.setUnsent('conv-2', 2);
		first.setUnsent('never-stored', 5); // not on the device: nothing of it can be lost with it

		const afterClearing = new DeviceLedger('anna', storage);
		expect(afterClearing.reconcile(new Set())).toEqual({ lost: ['conv-1', 'conv-2'], unsentLost: 2 });
		expect(new DeviceLedger('anna', storage).reconcile(new Set())).toBeNull();
		expect(new DeviceLedger('petr', storage).held).toEqual({});
	});

	it('starts from nothing on unreadable records and never throws on a full localStorage', () => {
		const storage = new MemoryStorage();
		storage.setItem('caseroom.device.anna', '{"a": -1, "b": "x", "c": 3}');
		expect(new DeviceLedger('anna', storage).held).toEqual({ c: 3 });
		storage.setItem('caseroom.device.anna', 'not json');
		const ledger = new DeviceLedger('anna', storage);
		expect(ledger.held).toEqual({});
		storage.full = true;
		expect(() => ledger.markHeld('conv-1')).not.toThrow();
		expect(ledger.held).toEqual({ 'conv-1': 0 });
	});
});
