import { describe, expect, it } from 'vitest';
import { coalesceSaves, createOutbox } from './outbox.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
function deferred() {
	let resolve!: () => void;
	let reject!: (e: unknown) => void;
	const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
	return { promise, resolve, reject };
}

describe('createOutbox', () => {
	it('holds sync messages until saved and keeps each connection in order, without holding up others', async () => {
		const saves = new Map<string, ReturnType<typeof deferred>>();
		const sent: string[] = [];
		const outbox = createOutbox<{ type: string; targetId: string; documentId?: string; n: number }, string>({
			persisted: (doc) => {
				const d = deferred();
				saves.set(doc, d);
				return d.promise;
			},
			deliver: (conn, m) => sent.push(`${conn}:${m.n}`),
			failed: (conn) => sent.push(`${conn}:failed`)
		});
		outbox.push('a', { type: 'sync', targetId: 'a', documentId: 'D', n: 1 });
		outbox.push('a', { type: 'ephemeral', targetId: 'a', documentId: 'D', n: 2 });
		outbox.push('b', { type: 'doc-unavailable', targetId: 'b', documentId: 'E', n: 3 });
		await tick();
		expect(sent).toEqual(['b:3']);
		saves.get('D')!.resolve();
		await tick();
		expect(sent).toEqual(['b:3', 'a:1', 'a:2']);
	});

	it('reports a failed save instead of acknowledging', async () => {
		const sent: string[] = [];
		const outbox = createOutbox<{ type: string; targetId: string; documentId?: string }, string>({
			persisted: () => Promise.reject(new Error('disk full')),
			deliver: () => sent.push('sent'),
			failed: (conn, error) => sent.push(`${conn}: ${(error as Error).message}`)
		});
		outbox.push('a', { type: 'sync', targetId: 'a', documentId: 'D' });
		await tick();
		expect(sent).toEqual(['a: disk full']);
	});
});

describe('coalesceSaves', () => {
	it('shares one save between calls made together and runs one more for calls made during a save', async () => {
		const runs: ReturnType<typeof deferred>[] = [];
		const persisted = coalesceSaves(() => {
			const d = deferred();
			runs.push(d);
			return d.promise;
		});
		const a = persisted('D');
		const b = persisted('D');
		expect(a).toBe(b);
		await tick();
		expect(runs).toHaveLength(1);
		const c = persisted('D'); // made while the first save runs: must wait for a later one
		const d = persisted('D');
		expect(c).toBe(d);
		runs[0]!.resolve();
		await a;
		await tick();
		expect(runs).toHaveLength(2);
		let cDone = false;
		void c.then(() => (cDone = true));
		await tick();
		expect(cDone).toBe(false);
		runs[1]!.resolve();
		await c;
	});
});
