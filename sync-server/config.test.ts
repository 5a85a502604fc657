import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
	it('has working defaults', () => {
		expect(loadConfig({})).toEqual({
			host: '0.0.0.0',
			port: 3030,
			dataDir: resolve('data'),
			staticDir: resolve('build'),
			tokenTtlHours: 336,
			tls: null,
			trustProxy: false,
			syncMaxMessageBytes: 16 * 1024 * 1024,
			syncIdleUnloadMs: 60_000,
			syncKeepAliveMs: 2000,
			apiMaxBodyBytes: 64 * 1024,
			fileMaxBytes: 2 * 1024 ** 3,
			iceServers: [],
			turn: null,
			allowedOrigins: [],
			ssoProviders: [],
			publicUrl: null,
			limits: {
				socketsPerAddress: 2000,
				http: { burst: 25_000, perSecond: 500 },
				syncMessages: { burst: 5000, perSecond: 500 },
				syncBytes: { burst: 64 * 1024 * 1024, perSecond: 8 * 1024 * 1024 },
				peerMessages: { burst: 1000, perSecond: 100 },
				peerBytes: { burst: 4 * 1024 * 1024, perSecond: 1024 * 1024 }
			},
			s3: null,
			databaseUrl: null,
			redisUrl: null,
			metricsToken: null,
			logLevel: 'info'
		});
	});

	it('puts file chunks in S3 only when it is configured completely', () => {
		const s3 = { S3_ENDPOINT: 'http://minio.plant.lan:9000', S3_BUCKET: 'caseroom-files', S3_ACCESS_KEY_ID: 'relay', S3_SECRET_ACCESS_KEY: 'secret' };
		expect(loadConfig(s3).s3).toEqual({ endpoint: 'http://minio.plant.lan:9000', bucket: 'caseroom-files', region: 'us-east-1', accessKeyId: 'relay', secretAccessKey: 'secret' });
		expect(loadConfig({ ...s3, S3_REGION: 'eu-central-1' }).s3?.region).toBe('eu-central-1');
		expect(() => loadConfig({ S3_BUCKET: 'caseroom-files' })).toThrow(
			'S3_BUCKET is set, but file chunks go to S3 only with all of S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (S3_REGION is optional): set S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, or unset the others to keep files in DATA_DIR/blobs.'
		);
		expect(() => loadConfig({ ...s3, S3_SECRET_ACCESS_KEY: ' ' })).toThrow(/set S3_SECRET_ACCESS_KEY,/);
		expect(() => loadConfig({ S3_REGION: 'eu-central-1' })).toThrow(/S3_REGION is set, but/);
		expect(() => loadConfig({ ...s3, S3_ENDPOINT: 'minio.plant.lan:9000' })).toThrow(/S3_ENDPOINT must be an http:\/\/ or https:\/\/ address/);
		expect(() => loadConfig({ ...s3, S3_BUCKET: 'Caseroom_Files' })).toThrow(/S3_BUCKET must be a bucket name/);
	});

	it('reads the limits and the allowed origins', () => {
		const config = loadConfig({
			LIMIT_SOCKETS_PER_ADDRESS: '10', LIMIT_HTTP_BURST: '20', LIMIT_HTTP_PER_SECOND: '5', LIMIT_SYNC_MESSAGES_BURST: '30',
			LIMIT_SYNC_MESSAGES_PER_SECOND: '3', LIMIT_PEER_MESSAGES_BURST: '7', LIMIT_PEER_MESSAGES_PER_SECOND: '1',
			ALLOWED_ORIGINS: 'https://app.example.org, http://tablet.lan:8080/'
		});
		expect(config.allowedOrigins).toEqual(['https://app.example.org', 'http://tablet.lan:8080']);
		expect(config.limits).toMatchObject({
			socketsPerAddress: 10, http: { burst: 20, perSecond: 5 }, syncMessages: { burst: 30, perSecond: 3 }, peerMessages: { burst: 7, perSecond: 1 }
		});
	});

	it('reads every variable', () => {
		const config = loadConfig({
			HOST: '127.0.0.1', PORT: '8443', DATA_DIR: '/var/lib/caseroom', STATIC_DIR: '/srv/app', TOKEN_TTL_HOURS: '12',
			TLS_CERT_FILE: '/etc/c.pem', TLS_KEY_FILE: '/etc/k.pem', TRUST_PROXY: 'true', SYNC_MAX_MESSAGE_BYTES: '1048576', SYNC_KEEPALIVE_MS: '5000',
			API_MAX_BODY_BYTES: '2048', ICE_SERVERS: '[{"urls":"stun:stun.example.org"}]', METRICS_TOKEN: ' 0123456789abcdef0123 ', LOG_LEVEL: 'DEBUG'
		});
		expect(config).toMatchObject({
			host: '127.0.0.1', port: 8443, dataDir: '/var/lib/caseroom', tokenTtlHours: 12, trustProxy: true,
			tls: { certFile: '/etc/c.pem', keyFile: '/etc/k.pem' }, syncMaxMessageBytes: 1048576, syncKeepAliveMs: 5000, apiMaxBodyBytes: 2048,
			iceServers: [{ urls: 'stun:stun.example.org' }], metricsToken: '0123456789abcdef0123', logLevel: 'debug'
		});
	});

	it('names the variable that is wrong', () => {
		expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT must be a whole number/);
		expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
		expect(() => loadConfig({ TOKEN_TTL_HOURS: '-1' })).toThrow(/TOKEN_TTL_HOURS/);
		expect(() => loadConfig({ TLS_CERT_FILE: '/c.pem' })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
		expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
		expect(() => loadConfig({ SYNC_KEEPALIVE_MS: '10' })).toThrow(/SYNC_KEEPALIVE_MS must be a whole number from 100/);
		expect(() => loadConfig({ ICE_SERVERS: '{oops' })).toThrow(/ICE_SERVERS must be a JSON array/);
		expect(() => loadConfig({ ICE_SERVERS: '[{"url":"x"}]' })).toThrow(/"urls"/);
		expect(() => loadConfig({ TURN_SECRET: 's3cret' })).toThrow(/TURN_SECRET and TURN_URLS/);
		expect(() => loadConfig({ TURN_SECRET: 's', TURN_URLS: 'http://turn.lan' })).toThrow(/TURN_URLS must be/);
		expect(() => loadConfig({ TURN_SECRET: 's', TURN_URLS: 'turn:t', TURN_TTL_SECONDS: '5' })).toThrow(/TURN_TTL_SECONDS/);
		expect(() => loadConfig({ LIMIT_HTTP_BURST: '0' })).toThrow(/LIMIT_HTTP_BURST must be a whole number/);
		expect(() => loadConfig({ LIMIT_SYNC_BYTES_BURST: '1024' })).toThrow(/LIMIT_SYNC_BYTES_BURST \(1024\) must be at least SYNC_MAX_MESSAGE_BYTES/);
		expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://app.example.org/path' })).toThrow(/ALLOWED_ORIGINS must be/);
		expect(() => loadConfig({ ALLOWED_ORIGINS: 'app.example.org' })).toThrow(/ALLOWED_ORIGINS must be/);
		expect(() => loadConfig({ DATABASE_URL: 'mysql://u:pw@db/caseroom' })).toThrow(/DATABASE_URL must be a PostgreSQL connection URL/);
		expect(() => loadConfig({ DATABASE_URL: 'mysql://u:pw@db/caseroom' })).not.toThrow(/pw/);
		expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 printable characters/);
		expect(() => loadConfig({ METRICS_TOKEN: 'has a space in the middle' })).toThrow(/METRICS_TOKEN/);
		expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
	});

	it('reads a PostgreSQL database URL', () => {
		expect(loadConfig({ DATABASE_URL: ' postgresql://caseroom:s3cret@db.lan:5433/caseroom ' }).databaseUrl).toBe('postgresql://caseroom:s3cret@db.lan:5433/caseroom');
		expect(loadConfig({ DATABASE_URL: 'postgres://db.lan/caseroom' }).databaseUrl).toBe('postgres://db.lan/caseroom');
		expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeNull();
	});

	it('reads a Redis URL, which links nodes sharing one PostgreSQL database', () => {
		const db = 'postgresql://db.lan/caseroom';
		expect(loadConfig({ DATABASE_URL: db, REDIS_URL: ' redis://:pw@redis.lan:6380/2 ' }).redisUrl).toBe('redis://:pw@redis.lan:6380/2');
		expect(loadConfig({ DATABASE_URL: db, REDIS_URL: 'rediss://redis.lan' }).redisUrl).toBe('rediss://redis.lan');
		expect(loadConfig({ DATABASE_URL: db }).redisUrl).toBeNull();
		expect(() => loadConfig({ DATABASE_URL: db, REDIS_URL: 'http://redis.lan' })).toThrow(/REDIS_URL must be a Redis URL/);
		expect(() => loadConfig({ REDIS_URL: 'redis://redis.lan' })).toThrow(/set DATABASE_URL too/);
	});

	it('reads a TURN secret and its servers', () => {
		expect(loadConfig({ TURN_SECRET: 's3cret', TURN_URLS: 'turn:turn.plant.lan:3478, turns:turn.plant.lan:5349' }).turn).toEqual({
			secret: 's3cret',
			urls: ['turn:turn.plant.lan:3478', 'turns:turn.plant.lan:5349'],
			ttlSeconds: 12 * 3600
		});
	});

	it('reads single sign-on providers from OIDC_PROVIDERS or the file OIDC_PROVIDERS_FILE names, and PUBLIC_URL', () => {
		const providers = [{ id: 'gfms', name: 'GFMS', issuer: 'https://login.gfms.example', clientId: 'caseroom', clientSecret: 's', rules: [{ emailDomain: 'gfms.example', org: 'gfms', role: 'engineer' }] }];
		expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify(providers) }).ssoProviders.map((p) => p.id)).toEqual(['gfms']);
		const dir = mkdtempSync(join(tmpdir(), 'caseroom-config-'));
		try {
			writeFileSync(join(dir, 'sso.json'), JSON.stringify(providers));
			expect(loadConfig({ OIDC_PROVIDERS_FILE: join(dir, 'sso.json') }).ssoProviders.map((p) => p.name)).toEqual(['GFMS']);
			expect(() => loadConfig({ OIDC_PROVIDERS_FILE: join(dir, 'missing.json') })).toThrow(/OIDC_PROVIDERS_FILE names .*missing.json, which cannot be read \(ENOENT\)/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		expect(() => loadConfig({ OIDC_PROVIDERS: '[]', OIDC_PROVIDERS_FILE: 'x.json' })).toThrow(/not both/);
		expect(() => loadConfig({ OIDC_PROVIDERS: '[{"id":"x"}]' })).toThrow(ConfigError);
		expect(() => loadConfig({ OIDC_PROVIDERS: '[{"id":"x"}]' })).toThrow(/OIDC_PROVIDERS\[0\]\.issuer/);
		expect(loadConfig({ PUBLIC_URL: 'https://Caseroom.plant.lan/' }).publicUrl).toBe('https://caseroom.plant.lan');
		expect(() => loadConfig({ PUBLIC_URL: 'https://caseroom.plant.lan/app' })).toThrow(/PUBLIC_URL must be an origin/);
	});
});
