// Reads no UI state. A board as an SVG document, drawn from the model alone (no canvas, no Konva): the service report
// shows it inline and turns it into a PNG — in the browser through a canvas, on the relay through resvg — so a
// report made on a tablet and one made on the relay draw the same board from the same document.
import { esc, safeColor, bytesToBase64 } from '../report/escape';
import { visibleElements } from './board';
import { boardBox } from './geometry';
import { arrowHeadEnds, freehandOutlinePoints, HIGHLIGHTER_ALPHA } from './outline';
import { decodePoints } from './points';
import type { BoardElement, ImageMime, WhiteboardDoc } from './schema';
import { unionBox } from './viewport';

export interface BoardSvg {
	svg: string;
	/** Pixel size: up to 2 pixels per board unit and at most `maxEdge` on the longer side. */
	width: number;
	height: number;
}

const MARGIN = 24;
const PICTURE_TYPES: ReadonlySet<ImageMime> = new Set(['image/jpeg', 'image/png', 'image/webp']);
const n = (value: number) => String(Math.round(value * 100) / 100);

/** The whole drawing on white; an empty board is a blank 800 × 600 sheet. */
export function boardSvg(doc: WhiteboardDoc, maxEdge = 2400): BoardSvg {
	const elements = visibleElements(doc);
	const content = unionBox(elements.map(boardBox)) ?? { x: 0, y: 0, w: 800, h: 600 };
	const scale = Math.min(2, maxEdge / Math.max(content.w + 2 * MARGIN, content.h + 2 * MARGIN, 1));
	const view = { x: content.x - MARGIN, y: content.y - MARGIN, w: content.w + 2 * MARGIN, h: content.h + 2 * MARGIN };
	const width = Math.max(1, Math.ceil(view.w * scale));
	const height = Math.max(1, Math.ceil(view.h * scale));
	const body = elements.map(elementSvg).join('');
	const svg =
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${n(view.x)} ${n(view.y)} ${n(view.w)} ${n(view.h)}">` +
		`<rect x="${n(view.x)}" y="${n(view.y)}" width="${n(view.w)}" height="${n(view.h)}" fill="#fff"/>${body}</svg>`;
	return { svg, width, height };
}

function elementSvg(e: BoardElement): string {
	const color = esc(safeColor(e.color));
	const transform = `translate(${n(e.x)} ${n(e.y)})${e.rotation ? ` rotate(${n(e.rotation)})` : ''}${e.scaleX !== 1 || e.scaleY !== 1 ? ` scale(${n(e.scaleX)} ${n(e.scaleY)})` : ''}`;
	const stroke = `fill="none" stroke="${color}" stroke-width="${n(e.width)}" stroke-linecap="round" stroke-linejoin="round"`;
	let shape: string;
	switch (e.kind) {
		case 'pen':
		case 'highlighter': {
			const outline = freehandOutlinePoints(decodePoints(e.points), e.kind, e.width);
			if (outline.length === 0) return '';
			const d = `M${outline.map(([x, y]) => `${n(x!)} ${n(y!)}`).join('L')}Z`;
			shape = `<path d="${d}" fill="${color}"${e.kind === 'highlighter' ? ` fill-opacity="${HIGHLIGHTER_ALPHA}"` : ''}/>`;
			break;
		}
		case 'line':
		case 'arrow': {
			const head = e.kind === 'arrow' ? arrowHeadEnds(e.dx, e.dy, e.width).map(([x, y]) => `M${n(e.dx)} ${n(e.dy)}L${n(x)} ${n(y)}`).join('') : '';
			shape = `<path d="M0 0L${n(e.dx)} ${n(e.dy)}${head}" ${stroke}/>`;
			break;
		}
		case 'rect':
			shape = `<rect x="${n(Math.min(0, e.w))}" y="${n(Math.min(0, e.h))}" width="${n(Math.abs(e.w))}" height="${n(Math.abs(e.h))}" ${stroke}/>`;
			break;
		case 'ellipse':
			shape = `<ellipse cx="${n(e.w / 2)}" cy="${n(e.h / 2)}" rx="${n(Math.abs(e.w / 2))}" ry="${n(Math.abs(e.h / 2))}" ${stroke}/>`;
			break;
		case 'image':
			shape = PICTURE_TYPES.has(e.mime)
				? `<image x="0" y="0" width="${n(e.w)}" height="${n(e.h)}" preserveAspectRatio="none" href="data:${e.mime};base64,${bytesToBase64(e.bytes)}"/>`
				: `<rect width="${n(e.w)}" height="${n(e.h)}" fill="#eef2f5"/>`;
			break;
		case 'text': {
			// The canvas draws text from its top edge; an SVG baseline sits about 0.8 em below it.
			const lines = e.text.split('\n').map((line, i) => `<tspan x="0" y="${n(i * e.fontSize * 1.2 + e.fontSize * 0.8)}">${esc(line)}</tspan>`);
			shape = `<text font-family="DejaVu Sans, system-ui, sans-serif" font-size="${n(e.fontSize)}" fill="${color}" xml:space="preserve">${lines.join('')}</text>`;
			break;
		}
	}
	return `<g transform="${transform}">${shape}</g>`;
}
