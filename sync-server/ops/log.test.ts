import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLog, scrubLine } from './log.ts';

/** A token shaped as auth/tokens.ts issues them: base64url(JSON payload) + '.' + base64url(HMAC-SHA256). */
const payload = Buffer.from(JSON.stringify({ sub: 'petr', iat: 1, exp: 2, epoch: 0 })).toString('base64url');
const token = `${payload}.${createHmac('sha256', 'key').update(payload).digest('base64url')}`;

function collect(level: 'info' | 'debug' = 'info') {
	const lines: string[] = [];
	return { log: createLog({ level, destination: { write: (line) => void lines.push(line) } }), lines };
}

describe('the relay log', () => {
	it('cuts tokens out of a line, in a URL, a header or on their own', () => {
		expect(scrubLine(`GET /sync?token=${token}&x=1`)).toBe('GET /sync?token=[redacted]&x=1');
		expect(scrubLine(`/peerjs/peerjs?key=peerjs&token=abc&id=petr-1`)).toBe('/peerjs/peerjs?key=peerjs&token=[redacted]&id=petr-1');
		expect(scrubLine(`authorization: Bearer ${token}`)).toBe('authorization: Bearer [redacted]');
		expect(scrubLine(`{"x":"${token}"}`)).toBe('{"x":"[redacted token]"}');
		expect(scrubLine('Dropping a sync socket: sender petr:1 is not its peer')).toBe('Dropping a sync socket: sender petr:1 is not its peer');
	});

	it('writes one JSON line per event with a level word, a time and the fields, secrets redacted', () => {
		const { log, lines } = collect();
		log.child({ conn: 's1', user: 'petr' }).info({ password: 'hunter2-secret', text: 'the message', status: 401 }, `refused ${token}`);
		expect(lines).toHaveLength(1);
		const line = JSON.parse(lines[0]!);
		expect(line).toMatchObject({ level: 'info', conn: 's1', user: 'petr', status: 401, password: '[redacted]', text: '[redacted]', msg: 'refused [redacted token]' });
		expect(new Date(line.time).getTime()).toBeGreaterThan(0);
		expect(lines[0]).not.toContain('hunter2');
	});

	it('leaves out lines under its level', () => {
		const { log, lines } = collect('info');
		log.debug({}, 'not written');
		log.warn({}, 'written');
		expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['written']);
	});
});
