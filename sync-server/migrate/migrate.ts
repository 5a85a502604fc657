// `npm run admin -- migrate`: a stopped single relay's DATA_DIR into the stores relay nodes share, PostgreSQL
// (DATABASE_URL) and an S3-compatible bucket (S3_*), named by the environment as for the relays themselves. Copies the
// token key and storage id, the directory (one transaction: there whole or not at all), every document (every chunk
// the log holds, so nothing a snapshot would drop is lost) and every object of the file store; then checks that the
// target holds the same (migrate-check.ts). DATA_DIR is opened as a relay start opens it, under its lock (a running
// relay is refused), and only read: nothing is written or removed there. Re-runnable: a document whose heads the target already has, and an object with the same SHA-256, are
// skipped; a target directory that is not the source's (a relay ran on that database) is refused, never merged.
import { join, relative, resolve, sep } from 'node:path';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { checkSource } from '../backup/backup.ts';
import type { Config } from '../config.ts';
import type { DirectoryStore } from '../directory/store.ts';
import { createFsObjectStore } from '../files/fs-objects.ts';
import type { ObjectStore } from '../files/object-store.ts';
import { createS3ObjectStore } from '../files/s3-objects.ts';
import { isTemporary, walk } from '../storage/chunk-files.ts';
import { DataDirLocked } from '../storage/data-lock.ts';
import type { DocumentStore } from '../storage/document-store.ts';
import type { LogStore } from '../storage/log-store.ts';
import { openRelayDocumentStore } from '../storage/relay-document-store.ts';
import { openDatabaseStores, openRelayStores } from '../storage/relay-stores.ts';
import { directoryDifferences, directorySize } from './directory-compare.ts';
import { checkTarget, compareDocument, inParallel, sameBytes, type Check } from './migrate-check.ts';

export class MigrateError extends Error {}

export interface MigrateRequest {
	/** The stopped relay's DATA_DIR. */
	from: string;
	/** The target, as the relay nodes will be configured: DATABASE_URL, S3_* (without them, files go to DATA_DIR/blobs). */
	config: Pick<Config, 'dataDir' | 'databaseUrl' | 's3'>;
	/** Compare only; copy nothing. */
	checkOnly?: boolean;
	/** A line now and then while it works (a large DATA_DIR takes a while). */
	progress?: (line: string) => void;
}

/** Each side of the migration, as the copy and the check see it. */
export interface Side {
	directory: DirectoryStore;
	tokenKey: Buffer;
	documents: DocumentStore;
	/** Null when the target's files are the source's own folder (no S3_*, DATA_DIR the same): nothing to copy. */
	objects: ObjectStore | null;
	where: string;
}

interface Source extends Side {
	documents: LogStore;
	objects: ObjectStore;
	/** Every object of the file store, by key ("<sha256>/chunks/0"), in the order they are copied. */
	objectKeys: string[];
}

/** Documents and objects copied at once: the target's round trips overlap, memory stays bounded. */
const DOCUMENTS_AT_ONCE = 4;
const OBJECTS_AT_ONCE = 8;

export const MIGRATE_USAGE = 'npm run admin -- migrate [--from <DATA_DIR of the stopped relay>] [--check-only]   (DATABASE_URL and S3_* name the target)';

/** `migrate [--from DIR] [--check-only]` as the CLI runs it: `from` defaults to DATA_DIR. Exits non-zero on any difference. */
export async function migrateCommand(args: string[], config: MigrateRequest['config'], progress?: (line: string) => void): Promise<{ ok: boolean; output: string }> {
	let from = config.dataDir;
	let checkOnly = false;
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--check-only') checkOnly = true;
		else if (args[i] === '--from' && args[i + 1]) from = args[++i]!;
		else return { ok: false, output: `migrate does not know ${JSON.stringify(args[i])}. Usage: ${MIGRATE_USAGE}` };
	}
	return runMigration({ from, config, checkOnly, progress }).catch((err: unknown) => {
		if (err instanceof MigrateError) return { ok: false, output: err.message };
		throw err;
	});
}

export async function runMigration(request: MigrateRequest): Promise<{ ok: boolean; output: string }> {
	const { config } = request;
	const progress = request.progress ?? (() => {});
	if (!config.databaseUrl)
		throw new MigrateError(
			'migrate copies a relay into PostgreSQL: set DATABASE_URL (and S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY for the files) as the relay nodes will have them, then run it again.'
		);
	const from = resolve(request.from);
	const source = await openSource(from);
	try {
		const stores = await openDatabaseStores(config.databaseUrl, { initialKey: () => source.tokenKey, log: progress });
		try {
			if (!request.checkOnly) refuseForeignTarget(source, stores);
			const documents = await stores.sharedDocuments(source.documents.storageId());
			try {
				const sameFolder = !config.s3 && resolve(config.dataDir) === from;
				const target: Side = { ...stores, documents, objects: config.s3 ? createS3ObjectStore(config.s3) : sameFolder ? null : createFsObjectStore(join(config.dataDir, 'blobs')) };
				const where = `${target.where}${target.objects ? ` and ${target.objects.where}` : ''}`;
				const copied = request.checkOnly ? [] : await copyAll(source, target, progress);
				progress('Checking…');
				const check = await checkTarget(source, target, source.objectKeys);
				return { ok: check.differences.length === 0, output: summary(from, where, copied, check, target, request.checkOnly ?? false) };
			} finally {
				await documents.close();
			}
		} finally {
			await stores.close();
		}
	} finally {
		await source.close();
	}
}

async function openSource(from: string): Promise<Source & { close(): Promise<void> }> {
	await checkSource(from).catch((err: Error) => Promise.reject(new MigrateError(err.message)));
	const stores = await openRelayStores({ dataDir: from, databaseUrl: null }, { holder: 'migrate command' }).catch((err: unknown) => {
		if (err instanceof DataDirLocked) throw new MigrateError(`${err.message} migrate copies a stopped relay, so that nothing changes under it: run it again once the relay has stopped.`);
		throw err;
	});
	try {
		// No compaction while it reads: DATA_DIR is left as the relay left it.
		const documents = await openRelayDocumentStore(from, { compactAfterMs: 2 ** 31 - 1 });
		const blobs = join(from, 'blobs');
		const objectKeys = (await walk(blobs))
			.filter((f) => !isTemporary(f) && !f.endsWith('.tmp'))
			.map((f) => relative(blobs, f).split(sep).join('/'))
			.sort((a, b) => copyOrder(a) - copyOrder(b) || (a < b ? -1 : 1));
		return { ...stores, documents, objects: createFsObjectStore(blobs), objectKeys, close: () => documents.close().finally(() => stores.close()) };
	} catch (err) {
		await stores.close();
		throw err;
	}
}

/** A file's chunks before its manifest, its manifest before the shares: cut off midway, a file is incomplete, never announced whole. */
function copyOrder(key: string): number {
	const part = key.split('/')[1] ?? '';
	return ['chunks', 'manifest.json', 'verified', 'claims', 'refs'].indexOf(part);
}

/** Another relay's data in the target: copying into it would mix two relays' directories, so nothing is written. */
function refuseForeignTarget(source: Side, target: Pick<Side, 'directory' | 'tokenKey' | 'where'>): void {
	const how =
		'If a relay was started on this database (it loads the demo directory into an empty one), migrate into a new, empty database (createdb, then point DATABASE_URL at it), or drop and recreate this one if nothing in it is needed.';
	if (!target.directory.isEmpty()) {
		const differences = directoryDifferences(source.directory, target.directory);
		if (differences.length > 0)
			throw new MigrateError(
				[
					`${target.where} already holds another directory (${directorySize(target.directory)}); migrate never merges two directories, so nothing was copied. It differs from DATA_DIR's in:`,
					...listed(differences),
					how
				].join('\n')
			);
	}
	if (!target.tokenKey.equals(source.tokenKey))
		throw new MigrateError(`${target.where} already has another token key than DATA_DIR/token-key, so sign-ins and people's own documents would not carry over; nothing was copied. ${how}`);
}

interface Copied {
	what: string;
	line: string;
}

async function copyAll(source: Source, target: Side, progress: (line: string) => void): Promise<Copied[]> {
	const copied: Copied[] = [];
	const seeded = await target.directory.seedIfEmpty(async () => [...source.directory.snapshot()]);
	copied.push({ what: 'directory', line: `${directorySize(source.directory)}${seeded ? '' : ' (already there)'}` });

	const ids = (await source.documents.documentIds()).sort();
	progress(`Copying ${ids.length} documents…`);
	const docs = { copied: 0, already: 0, bytes: 0 };
	await inParallel(ids, DOCUMENTS_AT_ONCE, async (id) => {
		const chunks = await source.documents.load(id as DocumentId);
		if (!chunks) return;
		const theirs = await target.documents.load(id as DocumentId);
		if (theirs && compareDocument(chunks, theirs).state !== 'behind') return void docs.already++;
		const bytes = Buffer.concat(chunks);
		await target.documents.append(id as DocumentId, bytes);
		docs.copied++;
		docs.bytes += bytes.length;
	});
	copied.push({ what: 'documents', line: `${docs.copied} copied (${mib(docs.bytes)})${docs.already ? `, ${docs.already} already there` : ''}` });

	const objects = target.objects;
	if (!objects) {
		copied.push({ what: 'files', line: 'they stay in DATA_DIR/blobs (no S3_* set)' });
		return copied;
	}
	progress(`Copying ${source.objectKeys.length} objects of the file store to ${objects.where}…`);
	const files = { copied: 0, already: 0, bytes: 0 };
	await inParallel(source.objectKeys, OBJECTS_AT_ONCE, async (key) => {
		const bytes = await source.objects.get(key);
		if (!bytes) throw new MigrateError(`DATA_DIR/blobs/${key} vanished while it was being copied: is something else changing DATA_DIR?`);
		const there = await objects.get(key);
		if (there && sameBytes(there, bytes)) return void files.already++;
		await objects.put(key, bytes);
		files.copied++;
		files.bytes += bytes.length;
	});
	copied.push({ what: 'files', line: `${files.copied} objects copied (${mib(files.bytes)})${files.already ? `, ${files.already} already there` : ''}` });
	return copied;
}

function summary(from: string, where: string, copied: Copied[], check: Check, target: Side, checkOnly: boolean): string {
	const head = checkOnly ? `Compared ${from} with ${where}:` : `Migrated ${from} into ${where}:`;
	const lines = [head, ...copied.map((c) => `  ${c.what}: ${c.line}`)];
	if (check.differences.length === 0) {
		lines.push(
			`Check: all equal. ${check.documents} documents with the same heads${check.newer ? ` (${check.newer} with later changes on top, made on the new relays)` : ''}, ${check.files} files (${mib(check.fileBytes)}, ${check.objects} objects) with the same SHA-256, the same directory (${directorySize(target.directory)}) and token key.`
		);
		if (!checkOnly)
			lines.push(
				`Next: start the relay nodes with this DATABASE_URL and S3_* (and REDIS_URL when there is more than one; docs/operations.md, "Several nodes"). People's sign-ins stay valid. Nothing was removed from ${from}: keep it until the nodes run well.`
			);
		return lines.join('\n');
	}
	lines.push(`Check: ${check.differences.length} difference${check.differences.length === 1 ? '' : 's'} between ${from} and the target:`, ...listed(check.differences));
	lines.push(
		checkOnly
			? 'Run `npm run admin -- migrate` (without --check-only): it copies what is missing or different and checks again.'
			: 'Run `npm run admin -- migrate` again: it copies what is missing or different and checks again. If the same differences remain, the target loses or changes what it is given: look at its logs before starting relays on it.'
	);
	lines.push(`Do not start relays on the target yet; nothing was removed from ${from}.`);
	return lines.join('\n');
}

/** The first 20, then how many more: enough to see what kind of difference it is. */
function listed(differences: string[]): string[] {
	const shown = differences.slice(0, 20).map((d) => `  ${d}`);
	return differences.length > 20 ? [...shown, `  … and ${differences.length - 20} more`] : shown;
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
