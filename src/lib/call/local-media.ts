// This device's camera, microphone and screen for a call, and what went wrong in words the UI can say.
// A call always sends a video track (the camera, or a blank placeholder), so the camera can be turned on later
// by swapping tracks: PeerJS cannot renegotiate a connection to add one.
import { errorText } from '$lib/error-text';

export type MediaProblem = 'denied' | 'no-device' | 'in-use' | 'insecure' | 'failed';

export class MediaError extends Error {
	constructor(readonly problem: MediaProblem, message: string) {
		super(message);
	}
}

export function mediaError(err: unknown): MediaError {
	if (err instanceof MediaError) return err;
	const name = (err as { name?: string } | null)?.name ?? '';
	const message = errorText(err);
	if (name === 'NotAllowedError' || name === 'SecurityError') return new MediaError('denied', message);
	if (name === 'NotFoundError' || name === 'OverconstrainedError') return new MediaError('no-device', message);
	if (name === 'NotReadableError' || name === 'AbortError') return new MediaError('in-use', message);
	return new MediaError('failed', message);
}

function devices(): MediaDevices {
	// Browsers hide mediaDevices on plain http to anything but localhost.
	if (!navigator.mediaDevices?.getUserMedia) throw new MediaError('insecure', 'Camera and microphone need https.');
	return navigator.mediaDevices;
}

/** The microphone, and the camera unless audio only; one prompt for both. */
export async function openLocalMedia(options: { video: boolean; deviceId?: string }): Promise<MediaStream> {
	try {
		return await devices().getUserMedia({
			audio: { echoCancellation: true, noiseSuppression: true },
			video: options.video ? cameraConstraints(options.deviceId) : false
		});
	} catch (err) {
		throw mediaError(err);
	}
}

export async function openCamera(deviceId?: string): Promise<MediaStreamTrack> {
	try {
		const stream = await devices().getUserMedia({ video: cameraConstraints(deviceId) });
		return stream.getVideoTracks()[0]!;
	} catch (err) {
		throw mediaError(err);
	}
}

/** 640x480 is enough to show a machine part and light enough for a plant's Wi-Fi and six people in a mesh. */
function cameraConstraints(deviceId?: string): MediaTrackConstraints {
	return { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 }, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) };
}

export async function cameras(): Promise<MediaDeviceInfo[]> {
	try {
		return (await devices().enumerateDevices()).filter((d) => d.kind === 'videoinput');
	} catch {
		return [];
	}
}

/** The next camera after the current one (front → back on a tablet). */
export function nextCamera(list: readonly MediaDeviceInfo[], currentId: string | undefined): MediaDeviceInfo | undefined {
	if (list.length < 2) return undefined;
	const at = list.findIndex((d) => d.deviceId === currentId);
	return list[(at + 1) % list.length];
}

export const canShareScreen = () => typeof navigator.mediaDevices?.getDisplayMedia === 'function' && !/Android|iPhone|iPad/i.test(navigator.userAgent);

export async function openScreen(): Promise<MediaStreamTrack> {
	try {
		const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { max: 15 } }, audio: false });
		return stream.getVideoTracks()[0]!;
	} catch (err) {
		throw mediaError(err);
	}
}

/** A blank one-frame-a-second track that holds the video slot of a connection while no camera sends. */
export function placeholderVideoTrack(): MediaStreamTrack {
	const canvas = Object.assign(document.createElement('canvas'), { width: 16, height: 12 });
	canvas.getContext('2d')?.fillRect(0, 0, 16, 12);
	return canvas.captureStream(1).getVideoTracks()[0]!;
}
