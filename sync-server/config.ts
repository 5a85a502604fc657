// The relay's configuration: read from the environment once, checked, and handed around as one typed object.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BucketSpec } from './http/rate-limit.ts';
import { parseSsoProviders, SsoConfigError, type SsoProvider } from './sso/provider-config.ts';
import { LOG_LEVELS, type LogLevel } from './ops/log.ts';

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
	/** A document nobody connected has open leaves the relay's memory after this long. */
	syncIdleUnloadMs: number;
	/** A /sync socket silent this long is pinged, twice this long dropped (a slow link that still moves bytes is kept). */
	syncKeepAliveMs: number;
	apiMaxBodyBytes: number;
	/** Largest file the relay keeps a copy of. */
	fileMaxBytes: number;
	/** RTCIceServer objects handed to the app for calls. */
	iceServers: unknown[];
	/** A TURN server sharing this secret: each sign-in gets time-limited credentials (TURN REST API). */
	turn: { secret: string; urls: string[]; ttlSeconds: number } | null;
	/** Origins besides the relay's own whose pages may open sockets and change things (e.g. an app served elsewhere). */
	allowedOrigins: string[];
	/** OpenID Connect providers people may sign in with (docs/operations.md, "Single sign-on"); empty: passwords only. */
	ssoProviders: SsoProvider[];
	/** The address people open (e.g. https://caseroom.plant.lan): the sign-in callback registered at each provider.
	 * Null: taken from each request (Host, or X-Forwarded-Host/-Proto behind TRUST_PROXY). */
	publicUrl: string | null;
	limits: Limits;
	/** Set: file chunks go to this S3-compatible bucket instead of DATA_DIR/blobs (several relays may share it). */
	s3: S3Config | null;
	/**
	 * DATABASE_URL: directory and documents in this PostgreSQL database, shared by every relay node started with it
	 * (storage/relay-stores.ts); null keeps them in DATA_DIR.
	 */
	databaseUrl: string | null;
	/** Redis that carries changes and live messages between relay nodes (REDIS_URL); null: a single node. */
	redisUrl: string | null;
	/** Set: GET /metrics answers a request bearing it (ops/metrics.ts); null: /metrics is 404 and nothing is counted. */
	metricsToken: string | null;
	/** Lines below this level are not written (ops/log.ts). */
	logLevel: LogLevel;
}

export interface S3Config {
	/** e.g. http://minio.plant.lan:9000 or https://s3.eu-central-1.amazonaws.com */
	endpoint: string;
	bucket: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
}

/** Per client address, and per socket: sized so that a whole plant behind one NAT address never reaches them. */
export interface Limits {
	/** Open WebSockets per address, counted for /sync and /peerjs each. */
	socketsPerAddress: number;
	/** Every HTTP request and WebSocket upgrade of an address. */
	http: BucketSpec;
	/** Frames and bytes a client sends on one /sync socket. */
	syncMessages: BucketSpec;
	syncBytes: BucketSpec;
	/** Frames and bytes a client sends on one /peerjs socket. */
	peerMessages: BucketSpec;
	peerBytes: BucketSpec;
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
	// Long enough that a tablet reloading the app finds its conversations still loaded; short enough that documents
	// touched once (an archive search, a page load) do not pile up over months.
	SYNC_IDLE_UNLOAD_SECONDS: '60',
	// A stalled link dropped within 4.25 s (the app gives up on its side as fast); an idle socket that sends nothing
	// itself costs a ping every 2 s.
	SYNC_KEEPALIVE_MS: '2000',
	API_MAX_BODY_BYTES: String(64 * 1024),
	FILE_MAX_BYTES: String(2 * 1024 ** 3),
	ICE_SERVERS: '[]',
	// Long enough for a shift's call, short enough that a leaked credential soon stops working.
	TURN_TTL_SECONDS: String(12 * 3600),
	ALLOWED_ORIGINS: '',
	// The plant behind one NAT address: 500 tablets, each with a /sync and a /peerjs socket. Twice over for a second
	// window (whiteboard or call) per tablet, and twice again for reconnects overlapping the sockets they replace.
	LIMIT_SOCKETS_PER_ADDRESS: '2000',
	// 500 tablets cold-loading the app at shift start (~45 requests each: app shell, sign-in, directory) fit in the
	// burst; sustained, an API refresh every 10 s (50/s) plus 40 tablets uploading 1 MiB file chunks at 10/s each.
	LIMIT_HTTP_BURST: '25000',
	LIMIT_HTTP_PER_SECOND: '500',
	// A tablet reconnecting asks about every document it holds at once (hundreds of conversations and whiteboards);
	// drawing sends live strokes and pointers at ~60/s, and a busy board's changes on top.
	LIMIT_SYNC_MESSAGES_BURST: '5000',
	LIMIT_SYNC_MESSAGES_PER_SECOND: '500',
	// A shift's offline backlog uploads at once (four maximum-size messages); then faster than a tablet's Wi-Fi.
	LIMIT_SYNC_BYTES_BURST: String(64 * 1024 * 1024),
	LIMIT_SYNC_BYTES_PER_SECOND: String(8 * 1024 * 1024),
	// Call set-up in an 8-person mesh: an offer, an answer and a few dozen ICE candidates per other peer.
	LIMIT_PEER_MESSAGES_BURST: '1000',
	LIMIT_PEER_MESSAGES_PER_SECOND: '100',
	// SDP offers are a few KiB; a burst holds sixteen of the largest frames the signalling socket accepts.
	LIMIT_PEER_BYTES_BURST: String(4 * 1024 * 1024),
	LIMIT_PEER_BYTES_PER_SECOND: String(1024 * 1024)
} as const;

type Env = Record<string, string | undefined>;

/** Builds a Config from environment variables; throws ConfigError with a message naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
	const get = (name: keyof typeof DEFAULTS) => {
		const value = env[name]?.trim();
		return value === undefined || value === '' ? DEFAULTS[name] : value;
	};
	const count = (name: keyof typeof DEFAULTS) => integer(name, get(name), 1, 1_000_000_000);
	const bucket = (name: string): BucketSpec => ({
		burst: count(`LIMIT_${name}_BURST` as keyof typeof DEFAULTS),
		perSecond: count(`LIMIT_${name}_PER_SECOND` as keyof typeof DEFAULTS)
	});
	const certFile = env.TLS_CERT_FILE?.trim() || '';
	const keyFile = env.TLS_KEY_FILE?.trim() || '';
	if (Boolean(certFile) !== Boolean(keyFile))
		throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE must be set together (or neither).');
	const syncMaxMessageBytes = integer('SYNC_MAX_MESSAGE_BYTES', get('SYNC_MAX_MESSAGE_BYTES'), 1024, 100 * 1024 * 1024);
	const limits: Limits = {
		socketsPerAddress: count('LIMIT_SOCKETS_PER_ADDRESS'),
		http: bucket('HTTP'),
		syncMessages: bucket('SYNC_MESSAGES'),
		syncBytes: bucket('SYNC_BYTES'),
		peerMessages: bucket('PEER_MESSAGES'),
		peerBytes: bucket('PEER_BYTES')
	};
	// A frame larger than the byte burst could never pass: every such client would be cut off.
	if (limits.syncBytes.burst < syncMaxMessageBytes)
		throw new ConfigError(`LIMIT_SYNC_BYTES_BURST (${limits.syncBytes.burst}) must be at least SYNC_MAX_MESSAGE_BYTES (${syncMaxMessageBytes}).`);
	if (limits.peerBytes.burst < MAX_SIGNAL_BYTES)
		throw new ConfigError(`LIMIT_PEER_BYTES_BURST must be at least ${MAX_SIGNAL_BYTES} (the largest signalling frame).`);
	if (env.REDIS_URL?.trim() && !env.DATABASE_URL?.trim())
		throw new ConfigError('REDIS_URL links relay nodes that share one PostgreSQL database: set DATABASE_URL too (and S3_* for files), or unset REDIS_URL for a single node.');
	return {
		host: get('HOST'),
		port: integer('PORT', get('PORT'), 0, 65535),
		dataDir: resolve(get('DATA_DIR')),
		staticDir: resolve(get('STATIC_DIR')),
		tokenTtlHours: positive('TOKEN_TTL_HOURS', get('TOKEN_TTL_HOURS')),
		tls: certFile ? { certFile: resolve(certFile), keyFile: resolve(keyFile) } : null,
		trustProxy: flag('TRUST_PROXY', env.TRUST_PROXY),
		syncMaxMessageBytes,
		syncIdleUnloadMs: integer('SYNC_IDLE_UNLOAD_SECONDS', get('SYNC_IDLE_UNLOAD_SECONDS'), 1, 7 * 24 * 3600) * 1000,
		syncKeepAliveMs: integer('SYNC_KEEPALIVE_MS', get('SYNC_KEEPALIVE_MS'), 100, 600_000),
		apiMaxBodyBytes: integer('API_MAX_BODY_BYTES', get('API_MAX_BODY_BYTES'), 1024, 100 * 1024 * 1024),
		fileMaxBytes: integer('FILE_MAX_BYTES', get('FILE_MAX_BYTES'), 1, 1024 ** 4),
		iceServers: iceServers(get('ICE_SERVERS')),
		turn: turn(env, integer('TURN_TTL_SECONDS', get('TURN_TTL_SECONDS'), 60, 7 * 24 * 3600)),
		allowedOrigins: origins(get('ALLOWED_ORIGINS')),
		ssoProviders: ssoProviders(env),
		publicUrl: publicUrl(env.PUBLIC_URL?.trim() || ''),
		limits,
		s3: s3(env),
		databaseUrl: databaseUrl(env.DATABASE_URL),
		redisUrl: redisUrl(env.REDIS_URL),
		metricsToken: metricsToken(env.METRICS_TOKEN),
		logLevel: logLevel(env.LOG_LEVEL)
	};
}

/** A complete Config for tests and embedding: the defaults (without reading the environment) plus overrides. */
export function makeConfig(overrides: Partial<Config> = {}): Config {
	return { ...loadConfig({}), ...overrides };
}

/** The largest PeerJS signalling frame (SDP offers and ICE candidates are a few KiB). */
export const MAX_SIGNAL_BYTES = 256 * 1024;

function origins(raw: string): string[] {
	return raw
		.split(',')
		.map((o) => o.trim())
		.filter(Boolean)
		.map((o) => origin(o, `ALLOWED_ORIGINS must be comma-separated origins like https://caseroom.example.org, not "${o}".`));
}

/** `raw` as a normalised http(s) origin (no path), or a ConfigError with `problem`. */
function origin(raw: string, problem: string): string {
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		/* reported below */
	}
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== raw.replace(/\/$/, '').toLowerCase()) throw new ConfigError(problem);
	return url.origin;
}

/** A service's connection URL with one of these protocols, or null when unset. The URL is never repeated in the
 * error: it may carry a password. */
function serviceUrl(raw: string | undefined, protocols: string[], problem: string): string | null {
	const value = raw?.trim() ?? '';
	if (!value) return null;
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {
		/* reported below */
	}
	if (!url || !protocols.includes(url.protocol)) throw new ConfigError(problem);
	return value;
}

const databaseUrl = (raw: string | undefined) =>
	serviceUrl(raw, ['postgres:', 'postgresql:'], 'DATABASE_URL must be a PostgreSQL connection URL, e.g. postgresql://caseroom:secret@db.example.org:5432/caseroom.');

const redisUrl = (raw: string | undefined) =>
	serviceUrl(raw, ['redis:', 'rediss:'], 'REDIS_URL must be a Redis URL, e.g. redis://redis.example.org:6379 (rediss:// for TLS).');

/** A scraper's secret: long enough that guessing it is hopeless, and free of what a header cannot carry. */
function metricsToken(raw: string | undefined): string | null {
	const token = raw?.trim() ?? '';
	if (!token) return null;
	if (!/^[\x21-\x7e]{16,}$/.test(token))
		throw new ConfigError('METRICS_TOKEN must be at least 16 printable characters without spaces (e.g. `openssl rand -hex 32`).');
	return token;
}

function logLevel(raw: string | undefined): LogLevel {
	const level = (raw?.trim() || 'info').toLowerCase();
	if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}".`);
	return level as LogLevel;
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

const S3_REQUIRED = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** All of S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (S3_REGION optional), or none of them. */
function s3(env: Env): S3Config | null {
	const value = (name: string) => env[name]?.trim() || '';
	const given = [...S3_REQUIRED, 'S3_REGION'].filter((name) => value(name) !== '');
	if (given.length === 0) return null;
	const missing = S3_REQUIRED.filter((name) => value(name) === '');
	if (missing.length > 0)
		throw new ConfigError(
			`${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set, but file chunks go to S3 only with all of ${S3_REQUIRED.join(', ')} (S3_REGION is optional): set ${missing.join(', ')}, or unset the others to keep files in DATA_DIR/blobs.`
		);
	const endpoint = value('S3_ENDPOINT');
	if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(endpoint))
		throw new ConfigError(`S3_ENDPOINT must be an http:// or https:// address like http://minio.plant.lan:9000, not "${endpoint}".`);
	const bucket = value('S3_BUCKET');
	if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
		throw new ConfigError(`S3_BUCKET must be a bucket name (3 to 63 lower-case letters, digits, dots and hyphens), not "${bucket}".`);
	return { endpoint, bucket, region: value('S3_REGION') || 'us-east-1', accessKeyId: value('S3_ACCESS_KEY_ID'), secretAccessKey: value('S3_SECRET_ACCESS_KEY') };
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

function ssoProviders(env: Env): SsoProvider[] {
	const inline = env.OIDC_PROVIDERS?.trim() || '';
	const file = env.OIDC_PROVIDERS_FILE?.trim() || '';
	if (inline && file) throw new ConfigError('Set OIDC_PROVIDERS or OIDC_PROVIDERS_FILE, not both.');
	if (!inline && !file) return [];
	let json = inline;
	if (file) {
		try {
			json = readFileSync(resolve(file), 'utf8');
		} catch (err) {
			throw new ConfigError(`OIDC_PROVIDERS_FILE names ${resolve(file)}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
		}
	}
	try {
		return parseSsoProviders(json, file ? `OIDC_PROVIDERS_FILE (${file})` : 'OIDC_PROVIDERS');
	} catch (err) {
		throw err instanceof SsoConfigError ? new ConfigError(err.message) : err;
	}
}

function publicUrl(raw: string): string | null {
	return raw ? origin(raw, `PUBLIC_URL must be an origin like https://caseroom.plant.lan (no path), not "${raw}".`) : null;
}
