// The relay's configuration: read from the environment once, checked, and handed around as one typed object.
import { resolve } from 'node:path';

export interface Config {
	host: string;
	port: number;
	/** Absolute path of the directory holding everything the relay keeps. */
	dataDir: string;
	/** Absolute path of the built PWA. */
	staticDir: string;
	tokenTtlHours: number;
	/** Both set: the relay serves HTTPS and WSS itself. */
	tls: { certFile: string; keyFile: string } | null;
	/** Honour X-Forwarded-For / X-Forwarded-Proto (only behind a reverse proxy you run). */
	trustProxy: boolean;
	syncMaxMessageBytes: number;
	apiMaxBodyBytes: number;
	/** Largest file the relay keeps a copy of. */
	fileMaxBytes: number;
	/** RTCIceServer objects handed to the app for calls. */
	iceServers: unknown[];
	/** A TURN server sharing this secret: each sign-in gets time-limited credentials (TURN REST API). */
	turn: { secret: string; urls: string[]; ttlSeconds: number } | null;
}

export class ConfigError extends Error {}

const DEFAULTS = {
	HOST: '0.0.0.0',
	PORT: '3030',
	DATA_DIR: './data',
	STATIC_DIR: './build',
	// Two weeks: a tablet keeps working offline through shifts without signing in again.
	TOKEN_TTL_HOURS: '336',
	SYNC_MAX_MESSAGE_BYTES: String(16 * 1024 * 1024),
	API_MAX_BODY_BYTES: String(64 * 1024),
	FILE_MAX_BYTES: String(2 * 1024 ** 3),
	ICE_SERVERS: '[]',
	// Long enough for a shift's call, short enough that a leaked credential soon stops working.
	TURN_TTL_SECONDS: String(12 * 3600)
} as const;

type Env = Record<string, string | undefined>;

/** Builds a Config from environment variables; throws ConfigError with a message naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
	const get = (name: keyof typeof DEFAULTS) => {
		const value = env[name]?.trim();
		return value === undefined || value === '' ? DEFAULTS[name] : value;
	};
	const certFile = env.TLS_CERT_FILE?.trim() || '';
	const keyFile = env.TLS_KEY_FILE?.trim() || '';
	if (Boolean(certFile) !== Boolean(keyFile))
		throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together (or neither).');
	return {
		host: get('HOST'),
		port: integer('PORT', get('PORT'), 0, 65535),
		dataDir: resolve(get('DATA_DIR')),
		staticDir: resolve(get('STATIC_DIR')),
		tokenTtlHours: positive('TOKEN_TTL_HOURS', get('TOKEN_TTL_HOURS')),
		tls: certFile ? { certFile: resolve(certFile), keyFile: resolve(keyFile) } : null,
		trustProxy: flag('TRUST_PROXY', env.TRUST_PROXY),
		syncMaxMessageBytes: integer('SYNC_MAX_MESSAGE_BYTES', get('SYNC_MAX_MESSAGE_BYTES'), 1024, 100 * 1024 * 1024),
		apiMaxBodyBytes: integer('API_MAX_BODY_BYTES', get('API_MAX_BODY_BYTES'), 1024, 100 * 1024 * 1024),
		fileMaxBytes: integer('FILE_MAX_BYTES', get('FILE_MAX_BYTES'), 1, 1024 ** 4),
		iceServers: iceServers(get('ICE_SERVERS')),
		turn: turn(env, integer('TURN_TTL_SECONDS', get('TURN_TTL_SECONDS'), 60, 7 * 24 * 3600))
	};
}

/** A complete Config for tests and embedding: the defaults (without reading the environment) plus overrides. */
export function makeConfig(overrides: Partial<Config> = {}): Config {
	return { ...loadConfig({}), ...overrides };
}

function integer(name: string, raw: string, min: number, max: number): number {
	const n = Number(raw);
	if (!/^\d+$/.test(raw) || n < min || n > max)
		throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
	return n;
}

function positive(name: string, raw: string): number {
	const n = Number(raw);
	if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, not "${raw}".`);
	return n;
}

function flag(name: string, raw: string | undefined): boolean {
	const value = (raw ?? '').trim().toLowerCase();
	if (['', '0', 'false', 'no'].includes(value)) return false;
	if (['1', 'true', 'yes'].includes(value)) return true;
	throw new ConfigError(`${name} must be 1/true or 0/false, not "${raw}".`);
}

function iceServers(raw: string): unknown[] {
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		throw new ConfigError('ICE_SERVERS must be a JSON array of RTCIceServer objects, e.g. [{"urls":"stun:stun.example.org"}].');
	}
	const valid = Array.isArray(parsed) && parsed.every((s) => typeof s === 'object' && s !== null && 'urls' in s);
	if (!valid) throw new ConfigError('ICE_SERVERS must be a JSON array of objects that each have "urls".');
	return parsed as unknown[];
}

function turn(env: Env, ttlSeconds: number): Config['turn'] {
	const secret = env.TURN_SECRET?.trim() || '';
	const urls = (env.TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
	if (!secret && urls.length === 0) return null;
	if (!secret || urls.length === 0) throw new ConfigError('TURN_SECRET and TURN_URLS must be set together (or neither).');
	const bad = urls.find((u) => !/^turns?:[^\s]+$/.test(u));
	if (bad) throw new ConfigError(`TURN_URLS must be comma-separated turn: or turns: URLs, not "${bad}".`);
	return { secret, urls, ttlSeconds };
}
