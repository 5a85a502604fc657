// A real S3 protocol server for tests and the bench: s3rver in this process, on a free port of 127.0.0.1, keeping its
// objects in a temporary directory, with one bucket. stop() and start() take it away and bring it back on the same
// port with the same objects (S3 unreachable for a while); close() ends it and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Config } from '../../sync-server/config.ts';

export interface TestS3 {
	/** What the relay is given (S3_ENDPOINT, S3_BUCKET, …). */
	config: S3Config;
	/** The same as environment variables, for a relay in a child process. */
	env: Record<string, string>;
	stop(): Promise<void>;
	start(): Promise<void>;
	close(): Promise<void>;
}

const BUCKET = 'caseroom-files';
/** s3rver's own credentials: it checks every request's signature against them. */
const KEY = 'S3RVER';

export async function startS3(): Promise<TestS3> {
	const directory = mkdtempSync(join(tmpdir(), 'caseroom-s3-'));
	let port = 0;
	let server: S3rver | null = null;
	const start = async () => {
		const instance = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: BUCKET, configs: [] }] });
		port = ((await instance.run()) as AddressInfo).port;
		server = instance;
	};
	const stop = async () => {
		await server?.close();
		server = null;
	};
	await start();
	const config: S3Config = { endpoint: `http://127.0.0.1:${port}`, bucket: BUCKET, region: 'us-east-1', accessKeyId: KEY, secretAccessKey: KEY };
	return {
		config,
		env: { S3_ENDPOINT: config.endpoint, S3_BUCKET: BUCKET, S3_REGION: config.region, S3_ACCESS_KEY_ID: KEY, S3_SECRET_ACCESS_KEY: KEY },
		stop,
		start,
		async close() {
			await stop();
			rmSync(directory, { recursive: true, force: true });
		}
	};
}
