// DeviceFiles with no relay to reach (Node has no page origin, so every relay call fails as offline): sharing still
// keeps the file here, records it once and queues it; opening it gives the identical bytes from this device.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { asUserId } from '$lib/model/ids';
import { DeviceFiles } from './device-files.svelte';
import { openUploadQueue } from './upload-queue';
import { sha256Hex } from './hash';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DeviceFiles offline', () => {
	it('keeps a shared file on the device, records it, queues its upload, and opens it from here', async () => {
		const files = new DeviceFiles('token', 'petr');
		const bytes = new Uint8Array(600 * 1024);
		for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
		const recorded: { sha256: string; name: string; size: number; type: string }[] = [];
		const phases = new Set<string>();
		await files.share('conv-1', new File([bytes], 'scan/../wire guide.bin'), (meta) => recorded.push(meta), { onProgress: (p) => phases.add(p.phase) });

		expect(recorded).toEqual([{ sha256: await sha256Hex(bytes), name: 'wire guide.bin', size: bytes.byteLength, type: 'application/octet-stream' }]);
		expect(phases).toEqual(new Set(['checking', 'keeping']));
		const sha = recorded[0]!.sha256;
		expect(files.availability.get(sha).device.state).toBe('complete');
		expect((await (await openUploadQueue('caseroom-uploads-petr')).list()).map((u) => [u.conversationId, u.sha256])).toEqual([['conv-1', sha]]);
		await tick(50); // the queue tried the relay and found it out of reach
		expect(files.availability.get(sha).relay).toMatchObject({ state: 'waiting', problem: undefined });

		const blob = await files.open('conv-1', { ...recorded[0]!, uploadedBy: asUserId('petr'), uploadedAt: 0 }, 'application/octet-stream');
		expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
	});
});
