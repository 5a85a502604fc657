import { resolve } from 'node:path';
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
			apiMaxBodyBytes: 64 * 1024,
			fileMaxBytes: 2 * 1024 ** 3,
			iceServers: [],
			turn: null
		});
	});

	it('reads every variable', () => {
		const config = loadConfig({
			HOST: '127.0.0.1', PORT: '8443', DATA_DIR: '/var/lib/caseroom', STATIC_DIR: '/srv/app', TOKEN_TTL_HOURS: '12',
			TLS_CERT_FILE: '/etc/c.pem', TLS_KEY_FILE: '/etc/k.pem', TRUST_PROXY: 'true', SYNC_MAX_MESSAGE_BYTES: '1048576',
			API_MAX_BODY_BYTES: '2048', ICE_SERVERS: '[{"urls":"stun:stun.example.org"}]'
		});
		expect(config).toMatchObject({
			host: '127.0.0.1', port: 8443, dataDir: '/var/lib/caseroom', tokenTtlHours: 12, trustProxy: true,
			tls: { certFile: '/etc/c.pem', keyFile: '/etc/k.pem' }, syncMaxMessageBytes: 1048576, apiMaxBodyBytes: 2048,
			iceServers: [{ urls: 'stun:stun.example.org' }]
		});
	});

	it('names the variable that is wrong', () => {
		expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT must be a whole number/);
		expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
		expect(() => loadConfig({ TOKEN_TTL_HOURS: '-1' })).toThrow(/TOKEN_TTL_HOURS/);
		expect(() => loadConfig({ TLS_CERT_FILE: '/c.pem' })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
		expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
		expect(() => loadConfig({ ICE_SERVERS: '{oops' })).toThrow(/ICE_SERVERS must be a JSON array/);
		expect(() => loadConfig({ ICE_SERVERS: '[{"url":"x"}]' })).toThrow(/"urls"/);
		expect(() => loadConfig({ TURN_SECRET: 's3cret' })).toThrow(/TURN_SECRET and TURN_URLS/);
		expect(() => loadConfig({ TURN_SECRET: 's', TURN_URLS: 'http://turn.lan' })).toThrow(/TURN_URLS must be/);
		expect(() => loadConfig({ TURN_SECRET: 's', TURN_URLS: 'turn:t', TURN_TTL_SECONDS: '5' })).toThrow(/TURN_TTL_SECONDS/);
	});

	it('reads a TURN secret and its servers', () => {
		expect(loadConfig({ TURN_SECRET: 's3cret', TURN_URLS: 'turn:turn.plant.lan:3478, turns:turn.plant.lan:5349' }).turn).toEqual({
			secret: 's3cret',
			urls: ['turn:turn.plant.lan:3478', 'turns:turn.plant.lan:5349'],
			ttlSeconds: 12 * 3600
		});
	});
});
