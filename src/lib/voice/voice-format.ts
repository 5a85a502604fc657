// Reads no UI state. How a voice note is recorded and named: Opus in WebM where the browser records it (Chromium,
// Firefox), AAC in MP4 on Safari; why the microphone could not be used, as a label key; the file's name.
import type { MessageKey } from '$lib/i18n/messages';

export interface VoiceFormat {
	/** What MediaRecorder is asked for. */
	mimeType: string;
	extension: string;
}

/** In order of preference: Opus is the better voice codec at a low bit rate. */
export const VOICE_FORMATS: readonly VoiceFormat[] = [
	{ mimeType: 'audio/webm;codecs=opus', extension: 'webm' },
	{ mimeType: 'audio/mp4;codecs=mp4a.40.2', extension: 'm4a' },
	{ mimeType: 'audio/mp4', extension: 'm4a' },
	{ mimeType: 'audio/ogg;codecs=opus', extension: 'ogg' }
];

/** Speech at 32 kbit/s: clear Opus, a minute in ~240 kB. */
export const VOICE_BITS_PER_SECOND = 32_000;

/** The first format the browser records, or null to take the browser's own choice. */
export function chooseVoiceFormat(isTypeSupported: (mimeType: string) => boolean): VoiceFormat | null {
	return VOICE_FORMATS.find((f) => isTypeSupported(f.mimeType)) ?? null;
}

/** The extension for what the recorder actually produced (it may differ from what was asked). */
export function extensionFor(mimeType: string): string {
	const base = mimeType.split(';', 1)[0]!.trim().toLowerCase();
	return VOICE_FORMATS.find((f) => f.mimeType.startsWith(base))?.extension ?? 'webm';
}

/** "Voice note 2026-12-03 14.05.32.webm", in the device's local time. */
export function voiceNoteName(at: Date, extension: string): string {
	const two = (n: number) => String(n).padStart(2, '0');
	const day = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
	return `Voice note ${day} ${two(at.getHours())}.${two(at.getMinutes())}.${two(at.getSeconds())}.${extension}`;
}

/** What to tell the person when recording could not start (getUserMedia's and MediaRecorder's error names). */
export function microphoneProblem(error: unknown): MessageKey {
	const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
	switch (name) {
		case 'NotAllowedError':
		case 'SecurityError':
			return 'voice.blocked';
		case 'NotFoundError':
		case 'OverconstrainedError':
			return 'voice.noMicrophone';
		case 'NotReadableError':
		case 'AbortError':
			return 'voice.busy';
		case 'NotSupportedError':
			return 'voice.unsupported';
		default:
			return 'voice.failed';
	}
}

/** A press held this long records while held and sends on release; a shorter one is a tap that toggles. */
export const HOLD_MS = 400;
