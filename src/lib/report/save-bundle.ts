// Streams a ZIP to disk from the page, never holding it in memory: the File System Access API's save dialog where
// the browser has one (Chromium on desktops and tablets); otherwise a download whose body the service worker streams
// from this page (the stream is transferred to it, so backpressure reaches back to IndexedDB); and, without a
// service worker in control (a first visit, a private window), a Blob the browser keeps outside the JS heap.
import { BUNDLE_DOWNLOAD_PATH, type BundleDownloadMessage } from './download-route';

export type Saved = 'saved' | 'cancelled';

interface SavePicker {
	showSaveFilePicker(options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }): Promise<FileSystemFileHandle>;
}

export async function saveZip(name: string, stream: () => Promise<ReadableStream<Uint8Array>>): Promise<Saved> {
	const picker = (globalThis as unknown as Partial<SavePicker>).showSaveFilePicker;
	if (picker) {
		let handle: FileSystemFileHandle;
		try {
			handle = await picker({ suggestedName: name, types: [{ description: 'ZIP', accept: { 'application/zip': ['.zip'] } }] });
		} catch (err) {
			if ((err as Error).name === 'AbortError') return 'cancelled';
			throw err;
		}
		const writable = await handle.createWritable();
		// pipeTo closes the file when the ZIP ends, and aborts it (keeping nothing half-written) when it fails.
		await (await stream()).pipeTo(writable);
		return 'saved';
	}
	const worker = navigator.serviceWorker?.controller;
	if (worker) return downloadThroughWorker(worker, name, await stream());
	const blob = await new Response(await stream()).blob();
	const href = URL.createObjectURL(blob);
	const link = Object.assign(document.createElement('a'), { href, download: name, rel: 'noopener' });
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(href), 60_000);
	return 'saved';
}

/** Hands the stream to the service worker, which answers a download request with it; resolves when it is all read. */
async function downloadThroughWorker(worker: ServiceWorker, name: string, body: ReadableStream<Uint8Array>): Promise<Saved> {
	const id = crypto.getRandomValues(new Uint32Array(2)).join('-');
	let finished!: () => void;
	let failed!: (err: unknown) => void;
	const done = new Promise<void>((resolve, reject) => ((finished = resolve), (failed = reject)));
	// Watch the stream go by, so the page knows when the download has all of it (or failed midway).
	const watched = body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => finished() }));
	const reader = watched.getReader();
	const relay = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done: end, value } = await reader.read();
				if (end) controller.close();
				else controller.enqueue(value);
			} catch (err) {
				controller.error(err);
				failed(err);
			}
		},
		cancel: (reason) => {
			void reader.cancel(reason);
			failed(new Error('The download was stopped before the bundle was complete.'));
		}
	});
	const channel = new MessageChannel();
	const accepted = new Promise<void>((resolve) => (channel.port1.onmessage = () => resolve()));
	const message: BundleDownloadMessage = { type: 'caseroom-bundle', id, name, stream: relay };
	worker.postMessage(message, [relay as unknown as Transferable, channel.port2]);
	await accepted;
	// A hidden frame navigates to the worker's URL; its attachment answer becomes a download (as StreamSaver does).
	const frame = Object.assign(document.createElement('iframe'), { hidden: true, src: `${BUNDLE_DOWNLOAD_PATH}${id}` });
	document.body.append(frame);
	try {
		await done;
	} finally {
		setTimeout(() => frame.remove(), 1000);
	}
	return 'saved';
}
