// One voice note from the microphone, with MediaRecorder: Opus in WebM where the browser has it, AAC in MP4 on Safari
// (voice-format.ts). The duration is measured here, because MediaRecorder's WebM has no duration in its header. No
// network is involved: recording works offline, and the note is shared like any file afterwards.
import { chooseVoiceFormat, extensionFor, VOICE_BITS_PER_SECOND, voiceNoteName } from './voice-format';

export interface RecordedNote {
	file: File;
	durationMs: number;
}

export class VoiceRecording {
	#recorder: MediaRecorder;
	#stream: MediaStream;
	#chunks: Blob[] = [];
	#startedAt = 0;
	#stopped: Promise<void>;

	private constructor(stream: MediaStream) {
		this.#stream = stream;
		const format = chooseVoiceFormat((type) => MediaRecorder.isTypeSupported(type));
		this.#recorder = new MediaRecorder(stream, { ...(format ? { mimeType: format.mimeType } : {}), audioBitsPerSecond: VOICE_BITS_PER_SECOND });
		this.#recorder.addEventListener('dataavailable', (event) => event.data.size > 0 && this.#chunks.push(event.data));
		this.#stopped = new Promise((resolve) => this.#recorder.addEventListener('stop', () => resolve(), { once: true }));
	}

	/** Asks for the microphone (the browser may ask the person) and starts recording once it has it. */
	static async start(): Promise<VoiceRecording> {
		if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('no MediaRecorder'), { name: 'NotSupportedError' });
		const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
		try {
			const recording = new VoiceRecording(stream);
			await recording.#begin();
			return recording;
		} catch (err) {
			for (const track of stream.getTracks()) track.stop();
			throw err;
		}
	}

	#begin(): Promise<void> {
		return new Promise((resolve, reject) => {
			this.#recorder.addEventListener('start', () => ((this.#startedAt = performance.now()), resolve()), { once: true });
			this.#recorder.addEventListener('error', (event) => reject((event as ErrorEvent).error ?? new Error('the recorder failed')), { once: true });
			// A chunk a second: a long note is not held in one piece by the recorder.
			this.#recorder.start(1000);
		});
	}

	/** Milliseconds recorded so far. */
	get elapsedMs(): number {
		return this.#startedAt ? performance.now() - this.#startedAt : 0;
	}

	/** Ends the recording; the note as a file named for now, or null when nothing was recorded. */
	async stop(now = new Date()): Promise<RecordedNote | null> {
		const durationMs = Math.round(this.elapsedMs);
		if (this.#recorder.state !== 'inactive') this.#recorder.stop();
		await this.#stopped;
		this.#release();
		const type = this.#recorder.mimeType || this.#chunks[0]?.type || 'audio/webm';
		const blob = new Blob(this.#chunks, { type });
		if (blob.size === 0) return null;
		return { file: new File([blob], voiceNoteName(now, extensionFor(type)), { type }), durationMs };
	}

	/** Throws the recording away. */
	cancel(): void {
		if (this.#recorder.state !== 'inactive') this.#recorder.stop();
		this.#chunks = [];
		this.#release();
	}

	#release(): void {
		for (const track of this.#stream.getTracks()) track.stop();
	}
}
