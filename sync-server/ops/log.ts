// The relay's log: one JSON line per event on standard output (pino), at the level LOG_LEVEL sets. Lines about a
// socket carry its connection id (`conn`), lines about an HTTP request its request id (`req`). What must never
// appear in a line — a password, a sign-in token, an Authorization header, a message's text — is kept out where the
// lines are written (they name a path, never a URL with its query, and never a request body), and, should a future
// line slip, fields named like secrets are redacted and token-shaped text is cut from every line before it is written.
import pino from 'pino';

export type LogFields = Record<string, unknown>;

/** What the relay's modules log through: pino's logger satisfies it; tests pass a capturing one or `silentLog`. */
export interface Log {
	error(fields: LogFields, message: string): void;
	warn(fields: LogFields, message: string): void;
	info(fields: LogFields, message: string): void;
	debug(fields: LogFields, message: string): void;
	/** A logger whose every line carries these fields too (a connection's id, a request's id). */
	child(fields: LogFields): Log;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the lines go: standard output unless given (tests collect them). */
export interface LogDestination {
	write(line: string): void;
}

const SECRET_FIELDS = ['password', 'token', 'authorization', 'cookie', 'text'];

/** `?token=…` in a URL, `Bearer …`, and the relay's own signed tokens (base64url of `{"sub":…` and a signature). */
const TOKEN_SHAPED: [RegExp, string][] = [
	[/([?&]token=)[^&\s"\\]+/gi, '$1[redacted]'],
	[/(bearer\s+)[^\s"\\]+/gi, '$1[redacted]'],
	[/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g, '[redacted token]']
];

/** Cuts token-shaped text out of a written line (pino's last hook before the stream). Reads no state. */
export function scrubLine(line: string): string {
	let out = line;
	for (const [pattern, replacement] of TOKEN_SHAPED) out = out.replace(pattern, replacement);
	return out;
}

export function createLog(options: { level?: LogLevel; destination?: LogDestination } = {}): Log {
	return pino(
		{
			level: options.level ?? 'info',
			// A word, not pino's number: the lines are read by people and grep as much as by a log shipper.
			formatters: { level: (label) => ({ level: label }) },
			timestamp: pino.stdTimeFunctions.isoTime,
			redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
			hooks: { streamWrite: scrubLine }
		},
		options.destination ?? pino.destination({ dest: 1, sync: true })
	);
}

/** Says nothing (tests, and the benchmarks' relay). */
export const silentLog: Log = {
	error: () => {},
	warn: () => {},
	info: () => {},
	debug: () => {},
	child: () => silentLog
};

/** An error as a log field: its message (and code), never its enumerable extras (a URL error carries its input). */
export function errorField(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const code = (error as NodeJS.ErrnoException).code;
	return code ? `${error.message} (${code})` : error.message;
}

/** The same with the stack, for failures nobody expected. */
export function errorWithStack(error: unknown): string {
	return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
