import { describe, expect, it } from 'vitest';
import { qualityOf, sampleOf } from './call-quality';

const report = (rtt: number | undefined, received: number, lost: number) => [
	{ type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: rtt },
	{ type: 'candidate-pair', state: 'failed', nominated: false, currentRoundTripTime: 9 },
	{ type: 'inbound-rtp', kind: 'audio', packetsReceived: received / 2, packetsLost: lost / 2 },
	{ type: 'inbound-rtp', kind: 'video', packetsReceived: received / 2, packetsLost: lost / 2 }
];

describe('connection quality', () => {
	it('reads the selected pair round trip and the incoming packets', () => {
		expect(sampleOf(report(0.05, 100, 2))).toEqual({ rttMs: 50, packetsReceived: 100, packetsLost: 2 });
		expect(sampleOf([])).toEqual({ rttMs: null, packetsReceived: 0, packetsLost: 0 });
	});

	it('rates loss between two samples and the round trip', () => {
		const a = sampleOf(report(0.02, 1000, 0));
		expect(qualityOf(a, sampleOf(report(0.02, 2000, 0))).level).toBe('good');
		expect(qualityOf(a, sampleOf(report(0.2, 2000, 0))).level).toBe('fair');
		expect(qualityOf(a, sampleOf(report(0.02, 1900, 100)))).toMatchObject({ level: 'poor', lossPercent: 5 * 2 });
		expect(qualityOf(a, sampleOf(report(0.5, 2000, 0))).level).toBe('poor');
		expect(qualityOf(null, sampleOf([])).level).toBe('unknown');
	});
});
