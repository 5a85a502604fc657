import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.ts';

function setup() {
	let t = 1_000_000;
	const throttle = createLoginThrottle({ now: () => t });
	return { throttle, advance: (ms: number) => (t += ms) };
}

describe('login throttle', () => {
	it('locks a username after 5 failures in 15 minutes, doubling up to 15 minutes', () => {
		const { throttle, advance } = setup();
		for (let i = 0; i < 4; i++) throttle.recordFailure('anna', '10.0.0.1');
		expect(throttle.check('anna', '10.0.0.1')).toEqual({ allowed: true });
		throttle.recordFailure('anna', '10.0.0.1');
		expect(throttle.check('anna', '10.0.0.2')).toEqual({ allowed: false, retryAfterSeconds: 30 });
		expect(throttle.check('tomas', '10.0.0.1')).toEqual({ allowed: true });
		advance(30_000);
		expect(throttle.check('anna', '10.0.0.1')).toEqual({ allowed: true });
		throttle.recordFailure('anna', '10.0.0.1');
		expect(throttle.check('anna', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 60 });
		for (const lockout of [60, 120, 240, 480]) {
			advance(lockout * 1000);
			throttle.recordFailure('anna', '10.0.0.1');
		}
		expect(throttle.check('anna', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 15 * 60 });
		// Still remembered right after the longest lockout, forgotten after 15 quiet minutes more.
		advance(15 * 60_000);
		throttle.recordFailure('anna', '10.0.0.1');
		expect(throttle.check('anna', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 15 * 60 });
		advance(30 * 60_000 + 1);
		throttle.recordFailure('anna', '10.0.0.1');
		expect(throttle.check('anna', '10.0.0.1')).toEqual({ allowed: true });
	});

	it('forgets failures after a successful sign-in', () => {
		const { throttle } = setup();
		for (let i = 0; i < 4; i++) throttle.recordFailure('anna', 'a');
		throttle.recordSuccess('anna');
		throttle.recordFailure('anna', 'a');
		expect(throttle.check('anna', 'a')).toEqual({ allowed: true });
	});

	it('forgets failures after 15 quiet minutes', () => {
		const { throttle, advance } = setup();
		for (let i = 0; i < 4; i++) throttle.recordFailure('anna', 'a');
		advance(15 * 60_000 + 1);
		throttle.recordFailure('anna', 'a');
		expect(throttle.check('anna', 'a')).toEqual({ allowed: true });
	});

	it('allows a whole plant behind one address 100 failures before blocking the address', () => {
		const { throttle, advance } = setup();
		for (let i = 0; i < 99; i++) throttle.recordFailure(`user${i}`, 'nat');
		expect(throttle.check('anna', 'nat')).toEqual({ allowed: true });
		throttle.recordFailure('someone', 'nat');
		expect(throttle.check('anna', 'nat')).toEqual({ allowed: false, retryAfterSeconds: 15 * 60 });
		expect(throttle.check('anna', 'elsewhere')).toEqual({ allowed: true });
		advance(15 * 60_000);
		expect(throttle.check('anna', 'nat')).toEqual({ allowed: true });
	});
});
