import { describe, expect, it } from 'vitest';
import { format } from '$lib/i18n/messages';
import { FileAvailability, percent, placeOf } from './file-availability.svelte';
import { whereText } from './where-text';

const en = (key: Parameters<typeof format>[1], params?: Record<string, string | number>) => format('en', key, params);
const cs = (key: Parameters<typeof format>[1], params?: Record<string, string | number>) => format('cs', key, params);

describe('where a file is', () => {
	it('says where the bytes are, with progress while they move', () => {
		const a = new FileAvailability();
		const sha = 'a'.repeat(64);
		expect(whereText(a.get(sha), en)).toEqual(['The relay cannot be asked right now']);
		a.setDevice(sha, placeOf(4, 4));
		a.setRelay(sha, { state: 'moving', done: 1, total: 4 });
		a.setPeers(sha, 2);
		expect(whereText(a.get(sha), en)).toEqual(['On this device', 'Sending to the relay: 25 %', 'On 2 online devices']);
		a.setRelay(sha, { state: 'waiting', done: 1, total: 4 });
		a.setPeers(sha, 1);
		expect(whereText(a.get(sha), en)).toEqual(['On this device', 'Waiting for the network to send it to the relay', 'On 1 online device']);
		expect(whereText(a.get(sha), cs)).toEqual(['V tomto zařízení', 'Čeká se na síť, aby se odeslal na server', 'Na 1 připojeném zařízení']);
		a.setDevice(sha, { state: 'moving', done: 2, total: 3 });
		a.setRelay(sha, placeOf(3, 3));
		a.setPeers(sha, 0);
		expect(whereText(a.get(sha), en)).toEqual(['Coming to this device: 66 %', 'On the relay']);
	});

	it('never says 100 % before the last part', () => {
		expect(percent(placeOf(999, 1000))).toBe(99);
		expect(percent(placeOf(1000, 1000))).toBe(100);
		expect(placeOf(0, 0).state).toBe('complete');
		expect(placeOf(0, 5).state).toBe('none');
		expect(placeOf(2, 5).state).toBe('partial');
	});
});
