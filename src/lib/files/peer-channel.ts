// A data channel as the file protocol sees it: send a frame, wait until the channel's buffer has drained below the
// low-water mark (backpressure on bufferedAmount), receive decoded frames, learn when it closed. The RTCDataChannel
// version is the only I/O here; tests connect two ends in memory.
import { decode, type Frame } from './peer-frames';

export interface FrameChannel {
	send(frame: Uint8Array): void;
	/** Resolves when more may be sent (the buffer is below the high-water mark); rejects once the channel closed. */
	writable(): Promise<void>;
	onFrame(listener: (frame: Frame) => void): void;
	onClose(listener: () => void): void;
	readonly closed: boolean;
	close(): void;
}

/**
 * Keep up to HIGH bytes queued in the channel: enough to keep the SCTP window full on a fast link, far below
 * Chromium's 16 MiB send buffer (a send beyond it closes the channel). Sending resumes at LOW.
 */
export const HIGH_WATER = 4 * 1024 * 1024;
export const LOW_WATER = 1024 * 1024;

export function dataChannelFrames(dc: RTCDataChannel): FrameChannel {
	dc.binaryType = 'arraybuffer';
	dc.bufferedAmountLowThreshold = LOW_WATER;
	const frameListeners: ((frame: Frame) => void)[] = [];
	const closeListeners: (() => void)[] = [];
	let closed = false;
	let waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
	const release = () => {
		const woken = waiting;
		waiting = [];
		for (const w of woken) w.resolve();
	};
	const onClose = () => {
		if (closed) return;
		closed = true;
		for (const w of waiting) w.reject(new Error('The connection to the other device closed.'));
		waiting = [];
		for (const listener of closeListeners) listener();
	};
	dc.addEventListener('bufferedamountlow', release);
	dc.addEventListener('close', onClose);
	dc.addEventListener('error', onClose);
	dc.addEventListener('message', (event: MessageEvent) => {
		// Anything that is not a frame of ours (PeerJS's own, a newer version's) is ignored.
		if (!(event.data instanceof ArrayBuffer)) return;
		const frame = decode(event.data);
		if (frame) for (const listener of frameListeners) listener(frame);
	});
	if (dc.readyState === 'closed' || dc.readyState === 'closing') onClose();

	return {
		send(frame) {
			if (closed) throw new Error('The connection to the other device closed.');
			dc.send(frame as Uint8Array<ArrayBuffer>);
		},
		writable() {
			if (closed) return Promise.reject(new Error('The connection to the other device closed.'));
			if (dc.bufferedAmount < HIGH_WATER) return Promise.resolve();
			return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
		},
		onFrame: (listener) => void frameListeners.push(listener),
		onClose: (listener) => void closeListeners.push(listener),
		get closed() {
			return closed;
		},
		close() {
			dc.close();
			onClose();
		}
	};
}

/** Two connected ends in memory (for tests of the protocol): what one sends, the other receives, asynchronously. */
export function memoryChannelPair(): [FrameChannel & { sent: number }, FrameChannel & { sent: number }] {
	const make = () => {
		const frames: ((f: Frame) => void)[] = [];
		const closes: (() => void)[] = [];
		let closed = false;
		const end = {
			sent: 0,
			peer: null as null | { deliver(bytes: Uint8Array): void; shut(): void },
			deliver(bytes: Uint8Array) {
				if (closed) return;
				const frame = decode(bytes.slice());
				// Delivered asynchronously, like a real channel.
				if (frame) queueMicrotask(() => !closed && frames.forEach((l) => l(frame)));
			},
			shut() {
				if (closed) return;
				closed = true;
				closes.forEach((l) => l());
			},
			send(frame: Uint8Array) {
				if (closed) throw new Error('The connection to the other device closed.');
				end.sent++;
				end.peer!.deliver(frame);
			},
			writable: () => (closed ? Promise.reject(new Error('The connection to the other device closed.')) : Promise.resolve()),
			onFrame: (l: (f: Frame) => void) => void frames.push(l),
			onClose: (l: () => void) => void closes.push(l),
			get closed() {
				return closed;
			},
			close() {
				end.shut();
				end.peer!.shut();
			}
		};
		return end;
	};
	const a = make();
	const b = make();
	a.peer = b;
	b.peer = a;
	return [a, b];
}
