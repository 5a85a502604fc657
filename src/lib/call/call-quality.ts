// Reads no UI state. A connection's quality from two samples of RTCPeerConnection.getStats(): the round trip of
// the selected candidate pair and the share of incoming packets lost in between.

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface StatsSample {
	rttMs: number | null;
	packetsReceived: number;
	packetsLost: number;
}

export interface Quality {
	level: QualityLevel;
	rttMs: number | null;
	lossPercent: number | null;
}

type Stat = { type?: string; [key: string]: unknown };
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Reads the stats objects (RTCStatsReport.values()) into one sample. */
export function sampleOf(stats: Iterable<Stat>): StatsSample {
	let rttMs: number | null = null;
	let packetsReceived = 0;
	let packetsLost = 0;
	for (const s of stats) {
		if (s.type === 'candidate-pair' && s.state === 'succeeded' && (s.nominated === true || s.selected === true) && typeof s.currentRoundTripTime === 'number')
			rttMs = s.currentRoundTripTime * 1000;
		if (s.type === 'inbound-rtp') {
			packetsReceived += num(s.packetsReceived);
			packetsLost += num(s.packetsLost);
		}
	}
	return { rttMs, packetsReceived, packetsLost };
}

/** Good: under 150 ms and 2 % loss; poor: over 400 ms or 8 %; fair between. */
export function qualityOf(previous: StatsSample | null, current: StatsSample): Quality {
	const received = current.packetsReceived - (previous?.packetsReceived ?? 0);
	const lost = Math.max(0, current.packetsLost - (previous?.packetsLost ?? 0));
	const lossPercent = received + lost > 0 ? (100 * lost) / (received + lost) : null;
	const { rttMs } = current;
	if (rttMs === null && lossPercent === null) return { level: 'unknown', rttMs, lossPercent };
	const rtt = rttMs ?? 0;
	const loss = lossPercent ?? 0;
	const level = rtt > 400 || loss > 8 ? 'poor' : rtt >= 150 || loss >= 2 ? 'fair' : 'good';
	return { level, rttMs, lossPercent };
}
