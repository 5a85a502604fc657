// migrate's check: does the target hold what DATA_DIR holds? Every document loaded from both and its heads compared
// (Automerge's getHeads(): the same heads, the same history; a target with later changes on top loses nothing), every object of the file store read from both and its
// SHA-256 compared, the directory compared field by field (directory-compare.ts), and the token key. Reads only:
// `migrate --check-only` runs it alone.
import { createHash } from 'node:crypto';
import type { DocumentId } from '@automerge/automerge-repo/slim';
import { backend } from '../storage/automerge-backend.ts';
import { directoryDifferences } from './directory-compare.ts';
import type { Side } from './migrate.ts';

export interface Check {
	/** One line per difference, naming the document, object or directory entry; empty when all is equal. */
	differences: string[];
	documents: number;
	/** Of those, documents the target holds with later changes too (made on the new relays): not a difference. */
	newer: number;
	objects: number;
	/** Files (a manifest each) and the bytes of their chunks. */
	files: number;
	fileBytes: number;
}

const AT_ONCE = 8;

export async function checkTarget(source: Side & { documents: { documentIds(): Promise<string[]> } }, target: Side, objectKeys: string[]): Promise<Check> {
	const differences: string[] = [];
	if (!target.tokenKey.equals(source.tokenKey)) differences.push('token key: the target has another one (sign-ins and people\'s own documents would not carry over)');
	differences.push(...directoryDifferences(source.directory, target.directory).map((d) => `directory: ${d}`));

	let documents = 0;
	let newer = 0;
	const documentProblems: string[] = [];
	await inParallel((await source.documents.documentIds()).sort(), AT_ONCE, async (id) => {
		const ours = await source.documents.load(id as DocumentId);
		if (!ours) return;
		documents++;
		const theirs = await target.documents.load(id as DocumentId);
		if (!theirs) return void documentProblems.push(`document ${id}: missing in the target`);
		const compared = compareDocument(ours, theirs);
		if (compared.state === 'ahead') newer++;
		if (compared.state === 'behind') documentProblems.push(`document ${id}: changes of DATA_DIR's are missing in the target (heads there ${short(compared.target)}, in DATA_DIR ${short(compared.source)})`);
	});
	differences.push(...documentProblems.sort());

	const files = { count: 0, bytes: 0 };
	const objectProblems: string[] = [];
	const objects = target.objects;
	await inParallel(objectKeys, AT_ONCE, async (key) => {
		const ours = (await source.objects!.get(key))!;
		if (key.endsWith('/manifest.json')) files.count++;
		else if (key.includes('/chunks/')) files.bytes += ours.length;
		if (!objects) return;
		const theirs = await objects.get(key);
		if (!theirs) return void objectProblems.push(`file object ${key}: missing in ${objects.where}`);
		if (!sameBytes(ours, theirs)) objectProblems.push(`file object ${key}: SHA-256 ${sha256(theirs).slice(0, 12)}… in ${objects.where}, ${sha256(ours).slice(0, 12)}… in DATA_DIR (${theirs.length} and ${ours.length} bytes)`);
	});
	differences.push(...objectProblems.sort());
	return { differences, documents, newer, objects: objectKeys.length, files: files.count, fileBytes: files.bytes };
}

/**
 * The target's copy of a document against DATA_DIR's: `equal` heads; `ahead` when it holds every change of DATA_DIR's
 * and more (written on the new relays since: nothing lost); `behind` when a change of DATA_DIR's is missing there.
 */
export function compareDocument(source: Uint8Array[], target: Uint8Array[]): { state: 'equal' | 'ahead' | 'behind'; source: string[]; target: string[] } {
	const [ours, theirs] = [loaded(source), loaded(target)];
	try {
		const heads = { source: ours.getHeads().sort(), target: theirs.getHeads().sort() };
		if (heads.source.join() === heads.target.join()) return { state: 'equal', ...heads };
		return { state: theirs.getMissingDeps(heads.source).length === 0 ? 'ahead' : 'behind', ...heads };
	} finally {
		ours.free();
		theirs.free();
	}
}

/** Every chunk loaded into one Automerge document (free it when done). */
function loaded(chunks: Uint8Array[]) {
	const doc = backend.create({});
	doc.loadIncremental(Buffer.concat(chunks));
	return doc;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

const short = (heads: string[]) => (heads.length === 0 ? 'none' : heads.map((h) => h.slice(0, 8)).join(', '));

/** `task` for every item, at most `limit` at a time; after a failure no new item starts, and it rejects with it. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	let failed = false;
	const worker = async () => {
		while (!failed && next < items.length) await task(items[next++]!).catch((err: unknown) => Promise.reject(((failed = true), err)));
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
