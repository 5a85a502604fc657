// A board as a PNG file, for the conversation's files: the whole drawing on white, at up to 2 pixels per board
// unit and at most 2400 pixels on its longer side, pictures decoded first.
import { visibleElements } from './board';
import { boardBox } from './geometry';
import { drawBoardFitted, imagesDecoded } from './render';
import type { WhiteboardDoc } from './schema';
import { unionBox } from './viewport';

const MAX_EDGE = 2400;
const MARGIN = 24;

export async function boardAsPng(doc: WhiteboardDoc): Promise<Blob> {
	const elements = visibleElements(doc);
	await imagesDecoded(elements);
	const content = unionBox(elements.map(boardBox)) ?? { x: 0, y: 0, w: 800, h: 600 };
	const scale = Math.min(2, MAX_EDGE / Math.max(content.w, content.h, 1));
	const width = Math.max(1, Math.ceil(content.w * scale + 2 * MARGIN));
	const height = Math.max(1, Math.ceil(content.h * scale + 2 * MARGIN));
	const canvas = Object.assign(document.createElement('canvas'), { width, height });
	const ctx = canvas.getContext('2d')!;
	ctx.fillStyle = '#fff';
	ctx.fillRect(0, 0, width, height);
	// fitTo never enlarges past 1:1, so draw at 1:1 into a canvas pre-scaled by `scale`.
	ctx.scale(scale, scale);
	drawBoardFitted(ctx, elements, width / scale, height / scale, MARGIN / scale);
	const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
	if (!blob) throw new Error('The board could not be turned into a picture.');
	return blob;
}
