import { describe, expect, it } from 'vitest';
import { chooseVoiceFormat, extensionFor, microphoneProblem, voiceNoteName } from './voice-format';

describe('voice note format', () => {
	it('records Opus in WebM where supported, AAC in MP4 on Safari, else the browser’s choice', () => {
		const chromium = (t: string) => t.startsWith('audio/webm');
		const safari = (t: string) => t.startsWith('audio/mp4');
		expect(chooseVoiceFormat(chromium)?.mimeType).toBe('audio/webm;codecs=opus');
		expect(chooseVoiceFormat(safari)).toEqual({ mimeType: 'audio/mp4;codecs=mp4a.40.2', extension: 'm4a' });
		expect(chooseVoiceFormat(() => false)).toBeNull();
	});

	it('names the file after what the recorder produced, and when', () => {
		expect(extensionFor('audio/webm;codecs=opus')).toBe('webm');
		expect(extensionFor('audio/mp4')).toBe('m4a');
		expect(extensionFor('audio/ogg; codecs=opus')).toBe('ogg');
		expect(extensionFor('')).toBe('webm');
		expect(voiceNoteName(new Date(2026, 11, 3, 9, 5, 7), 'm4a')).toBe('Voice note 2026-12-03 09.05.07.m4a');
	});

	it('says why the microphone could not be used', () => {
		const named = (name: string) => Object.assign(new Error('x'), { name });
		expect(microphoneProblem(named('NotAllowedError'))).toBe('voice.blocked');
		expect(microphoneProblem({ name: 'SecurityError' })).toBe('voice.blocked');
		expect(microphoneProblem(named('NotFoundError'))).toBe('voice.noMicrophone');
		expect(microphoneProblem(named('NotReadableError'))).toBe('voice.busy');
		expect(microphoneProblem(named('NotSupportedError'))).toBe('voice.unsupported');
		expect(microphoneProblem(new TypeError('boom'))).toBe('voice.failed');
		expect(microphoneProblem(undefined)).toBe('voice.failed');
	});
});
