// The relay's log as the tests see it. Every relay the helpers start writes its lines here (in-process: a collecting
// log at debug level; a child process: its standard output), and the helpers check them when the relay stops: each
// line is one JSON object with a level, a time and a message, and none holds a secret the test run handed the relay
// (every token and password that went through login() and api(), and every message the browser tests typed, remembered
// here) or anything shaped like one.
import { expect } from 'vitest';
import { createLog, type Log } from '../../sync-server/ops/log.ts';

const secrets = new Set<string>();

/** A token or password a test sent to the relay: no log line may contain it. Short ones ('demo') would match by chance in ids. */
export function rememberSecret(secret: string): void {
	if (secret.length >= 8) secrets.add(secret);
}

/** A message a browser test typed: the relay relays it but must never log it, so it is checked like a secret. */
export const rememberMessageText = rememberSecret;

/** A logger at debug level whose lines are kept in `lines`. */
export function collectingLog(): { log: Log; lines: string[] } {
	const lines: string[] = [];
	return { log: createLog({ level: 'debug', destination: { write: (line) => void lines.push(line) } }), lines };
}

/** Token-shaped text and secret-looking fields that must never reach a line. */
const FORBIDDEN: [RegExp, string][] = [
	[/[?&]token=(?!\[redacted\])[^&\s"]/i, 'a token in a URL'],
	[/bearer\s+(?!\[redacted\])\S/i, 'an Authorization header'],
	[/eyJzdWIi/, "a sign-in token's payload"],
	[/"(password|token|authorization)":"(?!\[redacted\])/i, 'a secret field']
];

/** What is wrong with these lines (empty: nothing). `also`: more strings no line may contain (a message's text). */
export function logProblems(lines: readonly string[], also: readonly string[] = []): string[] {
	const problems: string[] = [];
	const must = [...secrets, ...also];
	for (const line of lines) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(line);
		} catch {
			problems.push(`not one JSON object: ${line.slice(0, 300)}`);
			continue;
		}
		const { level, time, msg } = (parsed ?? {}) as Record<string, unknown>;
		if (typeof level !== 'string' || typeof time !== 'string' || typeof msg !== 'string') problems.push(`no level, time or msg: ${line.slice(0, 300)}`);
		for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) problems.push(`${what}: ${line.slice(0, 300)}`);
		for (const secret of must) if (line.includes(secret)) problems.push(`a secret the test used (${secret.slice(0, 6)}…): ${line.slice(0, 300)}`);
	}
	return problems;
}

/** Fails the test with every problem found in the relay's log. */
export function expectCleanLog(lines: readonly string[], also: readonly string[] = []): void {
	expect(logProblems(lines, also), 'the relay log').toEqual([]);
}

/** The complete lines of a child relay's standard output (a kill -9 may leave the last one cut: it is left out). */
export function completeLines(stdout: string): string[] {
	const lines = stdout.split('\n');
	lines.pop();
	return lines.filter((line) => line.trim() !== '');
}
