// The relay's file bytes in an S3-compatible bucket (AWS S3, MinIO, Ceph; s3rver in the tests) through
// @aws-sdk/client-s3, under the key prefix "blobs/": the layout of DATA_DIR/blobs, so relays sharing the bucket share
// the files. A put is acknowledged once the store answered the PUT. "If absent" looks first and then puts with
// If-None-Match: * (a store that ignores the condition lets identical manifests overwrite each other, which is
// harmless). Any failure of the store becomes ObjectStoreUnavailable: the caller answers that nothing was saved.
// The SDK is loaded on first use, so a relay that keeps its files on the local disk never loads it.
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config.ts';
import { checkKey, ObjectStoreUnavailable, type ObjectStore } from './object-store.ts';

const PREFIX = 'blobs/';
/** Objects removed at once when a file is dropped. */
const PARALLEL_REMOVALS = 8;

type Sdk = typeof import('@aws-sdk/client-s3');

export function createS3ObjectStore(config: S3Config): ObjectStore {
	const where = `s3://${config.bucket} at ${config.endpoint}`;
	let loaded: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
	// The SDK package-lock.json pins runs on Node 20 (package.json's engines); its notice that later releases will
	// need Node 22 is for whoever upgrades it, not for the person reading the relay's or `npm run admin`'s output.
	process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
	const s3 = () =>
		(loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({
			sdk,
			client: new sdk.S3Client({
				endpoint: config.endpoint,
				region: config.region,
				credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
				// MinIO, Ceph and s3rver address buckets by path, not by host name.
				forcePathStyle: true,
				// Checksums only where S3 requires them: the stores above do not all know the newer checksum headers.
				requestChecksumCalculation: 'WHEN_REQUIRED',
				responseChecksumValidation: 'WHEN_REQUIRED',
				// An unreachable store fails the request within seconds (the SDK tries 3 times), never hangs an upload.
				maxAttempts: 3,
				requestHandler: { connectionTimeout: 2000, requestTimeout: 30_000 }
			})
		})));
	const Bucket = config.bucket;
	const fullKey = (key: string) => PREFIX + checkKey(key);
	const failed = (err: unknown, what: string) =>
		new ObjectStoreUnavailable(`The file store (${where}) failed to ${what}: ${(err as Error).message || (err as Error).name}`, { cause: err });

	async function list(prefix: string, delimiter?: string): Promise<string[]> {
		const { sdk, client } = await s3();
		const full = fullKey(prefix);
		const keys: string[] = [];
		let token: string | undefined;
		try {
			do {
				const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: full, Delimiter: delimiter, ContinuationToken: token }));
				for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key.slice(full.length));
				token = page.IsTruncated ? page.NextContinuationToken : undefined;
			} while (token);
		} catch (err) {
			throw failed(err, `list ${prefix}`);
		}
		return keys;
	}

	const store: ObjectStore = {
		where,
		async put(key, data, options = {}) {
			if (options.ifAbsent && (await store.has(key))) return false;
			const { sdk, client } = await s3();
			const body = typeof data === 'string' ? Buffer.from(data) : data;
			try {
				await client.send(new sdk.PutObjectCommand({ Bucket, Key: fullKey(key), Body: body, ContentLength: body.byteLength, ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}) }));
				return true;
			} catch (err) {
				if (options.ifAbsent && status(err) === 412) return false;
				throw failed(err, `store ${key}`);
			}
		},
		async get(key) {
			const { sdk, client } = await s3();
			try {
				const answer = await client.send(new sdk.GetObjectCommand({ Bucket, Key: fullKey(key) }));
				return await answer.Body!.transformToByteArray();
			} catch (err) {
				if (status(err) === 404 && (err as Error).name !== 'NoSuchBucket') return undefined;
				throw failed(err, `read ${key}`);
			}
		},
		async has(key) {
			const { sdk, client } = await s3();
			try {
				await client.send(new sdk.HeadObjectCommand({ Bucket, Key: fullKey(key) }));
				return true;
			} catch (err) {
				// A HEAD answer has no body, so a missing bucket looks like a missing object here; the next put says which.
				if (status(err) === 404) return false;
				throw failed(err, `look up ${key}`);
			}
		},
		list: (prefix) => list(prefix, '/'),
		async remove(key) {
			const { sdk, client } = await s3();
			try {
				await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: fullKey(key) }));
			} catch (err) {
				throw failed(err, `remove ${key}`);
			}
		},
		async removeAll(prefix) {
			const keys = (await list(prefix)).map((rest) => prefix + rest);
			while (keys.length > 0) await Promise.all(keys.splice(0, PARALLEL_REMOVALS).map((key) => store.remove(key)));
		}
	};
	return store;
}

function status(err: unknown): number | undefined {
	return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
