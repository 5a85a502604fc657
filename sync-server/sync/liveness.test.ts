import { describe, expect, it } from 'vitest';
import { checkLiveness, CHECKS_PER_INTERVAL, heard, newLiveness } from './liveness.ts';

const KEEPALIVE = 2000;
const STEP = KEEPALIVE / CHECKS_PER_INTERVAL;

/** Runs checks every STEP from `from` to `to`; `link(t)` says what the socket shows at time t. Returns the verdicts that were not 'ok'. */
function run(liveness: ReturnType<typeof newLiveness>, from: number, to: number, link: (t: number) => { bytesRead: number; unsent: number }) {
	const verdicts: string[] = [];
	for (let t = from; t <= to; t += STEP) {
		const { bytesRead, unsent } = link(t);
		const verdict = checkLiveness(liveness, bytesRead, unsent, t, KEEPALIVE);
		if (verdict !== 'ok') verdicts.push(`${verdict}@${t}`);
		if (verdict === 'dead') break;
	}
	return verdicts;
}

describe('checkLiveness', () => {
	it('pings a silent socket after an interval, again every interval, and drops it after two', () => {
		const liveness = newLiveness(0, 0, 0);
		expect(run(liveness, STEP, 10_000, () => ({ bytesRead: 0, unsent: 0 }))).toEqual(['ping@2000', 'dead@4000']);
	});

	it('keeps a socket that answers its pings', () => {
		const liveness = newLiveness(0, 0, 0);
		const verdicts: string[] = [];
		for (let t = STEP; t <= 20_000; t += STEP) {
			const verdict = checkLiveness(liveness, 0, 0, t, KEEPALIVE);
			if (verdict === 'ping') heard(liveness, t + 30); // the pong, 30 ms later
			verdicts.push(verdict);
		}
		expect(verdicts).not.toContain('dead');
		expect(verdicts.filter((v) => v === 'ping').length).toBe(9); // one per 2.25 s: 2 s of silence after each pong, then the next check
	});

	it('drops a socket that stalls at any moment within 2 × keepalive + one check', () => {
		for (const stallAt of [0, 1, 499, 500, 1200, 1999]) {
			const liveness = newLiveness(0, 0, 0);
			heard(liveness, stallAt);
			const [, dead] = run(liveness, STEP, 20_000, () => ({ bytesRead: 0, unsent: 0 }));
			const deadAt = Number(dead!.split('@')[1]);
			expect(deadAt - stallAt).toBeGreaterThanOrEqual(2 * KEEPALIVE);
			expect(deadAt - stallAt).toBeLessThanOrEqual(2 * KEEPALIVE + STEP);
		}
	});

	it('keeps a socket while a large frame is still arriving (its byte count moves), and pings it meanwhile', () => {
		const liveness = newLiveness(0, 0, 0);
		// 6 MB at 100 kB/s: one frame, a minute long; the pong is queued behind it.
		const verdicts = run(liveness, STEP, 60_000, (t) => ({ bytesRead: t * 100, unsent: 0 }));
		expect(verdicts).toEqual([]);
	});

	it('keeps a socket while its outgoing buffer goes down, and drops it once the buffer is stuck', () => {
		const liveness = newLiveness(0, 0, 0);
		// The relay queued 8 MB for a slow reader: it drains at 200 kB/s for 35 s, then the link stalls with 1 MB left.
		const unsent = (t: number) => Math.max(1_000_000, 8_000_000 - t * 200);
		expect(run(liveness, STEP, 60_000, (t) => ({ bytesRead: 0, unsent: unsent(t) }))).toEqual(['ping@37000', 'dead@39000']);
	});

	it('does not take a growing buffer for progress', () => {
		const liveness = newLiveness(0, 0, 0);
		expect(run(liveness, STEP, 10_000, (t) => ({ bytesRead: 0, unsent: t }))).toEqual(['ping@2000', 'dead@4000']);
	});
});
