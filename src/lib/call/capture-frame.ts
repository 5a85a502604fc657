// Freezes what a participant's video shows right now, as a PNG: for remote assistance, the background of a
// whiteboard session to draw on together (the whiteboard opens it; see src/lib/whiteboard/).

export async function captureFrame(video: HTMLVideoElement): Promise<Blob> {
	const { videoWidth: width, videoHeight: height } = video;
	if (!width || !height) throw new Error('The video has no picture yet.');
	const canvas = Object.assign(document.createElement('canvas'), { width, height });
	const context = canvas.getContext('2d');
	if (!context) throw new Error('This browser cannot draw the picture.');
	context.drawImage(video, 0, 0, width, height);
	return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be saved.'))), 'image/png'));
}
