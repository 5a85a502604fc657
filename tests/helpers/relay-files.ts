// Files through the relay's files API as the app moves them (the manifest, then each chunk; a download chunk by
// chunk), and a whiteboard stroke: what tests that copy a relay's data (backup, migrate) write and read back.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { asUserId } from '../../src/lib/model/ids.ts';
import { addElement, elementBase } from '../../src/lib/whiteboard/board.ts';
import { encodePoints } from '../../src/lib/whiteboard/points.ts';
import type { WhiteboardDoc } from '../../src/lib/whiteboard/schema.ts';
import { api } from './relay.ts';
import { manifestOf } from './report-conversation.ts';

const fileRoute = (url: string, conversation: string, sha: string, rest: string) => `${url}/api/conversations/${conversation}/files/${sha}/${rest}`;

/** Uploads `size` random bytes into the conversation; resolves to their SHA-256 once every chunk was accepted (noted in `files`). */
export async function uploadFile(url: string, token: string, conversation: string, files: Map<string, Buffer>, size: number): Promise<string> {
	const bytes = randomBytes(size);
	const manifest = manifestOf(bytes);
	expect((await api(url, `/api/conversations/${conversation}/files/${manifest.sha256}/manifest`, { token, body: manifest })).status).toBeLessThan(300);
	for (let i = 0; i < manifest.chunks.length; i++) {
		const chunk = bytes.subarray(i * manifest.chunkSize, (i + 1) * manifest.chunkSize);
		const put = await fetch(fileRoute(url, conversation, manifest.sha256, `chunks/${i}`), { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(chunk) });
		expect(put.status).toBeLessThan(300);
	}
	files.set(manifest.sha256, bytes);
	return manifest.sha256;
}

/** The whole file as a member downloads it from the relay (it must be complete there). */
export async function download(url: string, token: string, conversation: string, sha: string): Promise<Buffer> {
	const stat = await api(url, `/api/conversations/${conversation}/files/${sha}/manifest`, { token });
	expect(stat.body.complete, `file ${sha} complete`).toBe(true);
	const parts: Buffer[] = [];
	for (let i = 0; i < stat.body.manifest.chunks.length; i++) {
		const res = await fetch(fileRoute(url, conversation, sha, `chunks/${i}`), { headers: { authorization: `Bearer ${token}` } });
		expect(res.status).toBe(200);
		parts.push(Buffer.from(await res.arrayBuffer()));
	}
	return Buffer.concat(parts);
}

/** A pen stroke with this element id, drawn by `author` at x. */
export function stroke(doc: WhiteboardDoc, id: string, author: string, x: number) {
	const points = encodePoints([
		{ x: 0, y: 0, pressure: 0.5 },
		{ x: 40, y: 25, pressure: 0.8 }
	]);
	addElement(doc, { ...elementBase({ id, author: asUserId(author), at: Date.now(), x, y: 80, color: '#0b3d5c', width: 3 }), kind: 'pen', points });
}
