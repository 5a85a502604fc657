import { describe, expect, it } from 'vitest';
import { peerIdBelongsTo } from './ids.ts';

describe('peerIdBelongsTo', () => {
	it('accepts a sync peer id `${userId}:${suffix}` and nothing that could be someone else', () => {
		expect(peerIdBelongsTo('petr:a1B2-c_3', 'petr', ':')).toBe(true);
		expect(peerIdBelongsTo('petr:x', 'pet', ':')).toBe(false);
		expect(peerIdBelongsTo('petr', 'petr', ':')).toBe(false);
		expect(peerIdBelongsTo('petr:', 'petr', ':')).toBe(false);
		expect(peerIdBelongsTo('petr:a:b', 'petr', ':')).toBe(false);
		expect(peerIdBelongsTo('a:b:c', 'a:b', ':')).toBe(true);
		expect(peerIdBelongsTo(`petr:${'x'.repeat(65)}`, 'petr', ':')).toBe(false);
	});

	it('accepts a PeerJS id `${userId}-${suffix}` and nothing that could be someone else', () => {
		expect(peerIdBelongsTo('anna-a1b2c3', 'anna', '-')).toBe(true);
		expect(peerIdBelongsTo('petr-1', 'anna', '-')).toBe(false);
		expect(peerIdBelongsTo('anna', 'anna', '-')).toBe(false);
		expect(peerIdBelongsTo('anna-b-1', 'anna', '-')).toBe(false);
		expect(peerIdBelongsTo('anna-b-1', 'anna-b', '-')).toBe(true);
		expect(peerIdBelongsTo('anna:1', 'anna', '-')).toBe(false);
	});
});
