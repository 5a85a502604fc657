// The board as SVG, drawn by resvg as the relay does: ink where the model says, nothing of a document's text or
// colours turned into markup.
import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { asUserId } from '$lib/model/ids';
import { addElement, deleteElement, elementBase, newWhiteboard } from './board';
import { boardSvg } from './board-svg';
import { encodePoints } from './points';

const petr = asUserId('petr');
const base = (id: string, x: number, y: number, color: string) => elementBase({ id, author: petr, at: 1, x, y, color, width: 6 });

function board() {
	const doc = newWhiteboard({ conversationId: 'c', title: 'Guide', createdBy: petr, createdAt: 1 });
	addElement(doc, { ...base('line', 0, 0, '#d62828'), kind: 'line', dx: 400, dy: 0 });
	addElement(doc, { ...base('box', 0, 100, '#0b3d5c'), kind: 'rect', w: 400, h: 200 });
	addElement(doc, { ...base('text', 20, 120, 'red"/><script>alert(1)</script>'), kind: 'text', text: '</text><script>x</script>', fontSize: 20 });
	addElement(doc, { ...base('pen', 50, 250, '#1e7e34'), kind: 'pen', points: encodePoints([{ x: 0, y: 0, pressure: 0.5 }, { x: 300, y: 0, pressure: 0.5 }]) });
	addElement(doc, { ...base('gone', 900, 900, '#000'), kind: 'rect', w: 10, h: 10 });
	deleteElement(doc, 'gone');
	return doc;
}

describe('board as SVG', () => {
	it('escapes text and refuses colours that are not colours', () => {
		const { svg } = boardSvg(board());
		expect(svg).not.toContain('<script>');
		expect(svg).toContain('&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;');
		expect(svg).toContain('fill="#1b2631"'); // the bad colour replaced
	});

	it('draws the visible elements where they are, and leaves out deleted ones', () => {
		const { svg, width, height } = boardSvg(board());
		const [vx, vy, vw] = /viewBox="([^"]+)"/.exec(svg)![1]!.split(' ').map(Number) as [number, number, number];
		expect(height).toBeLessThan(800); // the deleted box at 900,900 does not stretch the view
		const image = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
		expect(image.width).toBe(width);
		const pixel = (x: number, y: number) => {
			const scale = image.width / vw;
			const at = (Math.round((y - vy) * scale) * image.width + Math.round((x - vx) * scale)) * 4;
			return [...image.pixels.subarray(at, at + 3)];
		};
		expect(pixel(200, 0)).toEqual([214, 40, 40]); // on the red line (#d62828)
		expect(pixel(200, 50)).toEqual([255, 255, 255]); // white between line and box
		expect(pixel(200, 250)[1]).toBeGreaterThan(pixel(200, 250)[0]!); // the green stroke
	});
});
