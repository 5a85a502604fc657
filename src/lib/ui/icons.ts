// Reads no UI state. The app's icons as SVG path data on a 24 × 24 grid, drawn with the text colour: inline, so
// nothing loads from a CDN or an icon font, and each stays sharp at any size. Buttons give them their names.
const circle = (cx: number, cy: number, r: number) => `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
const rect = (x: number, y: number, w: number, h: number) => `M${x} ${y}h${w}v${h}h${-w}z`;

export interface IconShape {
	/** Path data, stroked. */
	d: string;
	/** Filled instead of stroked (play, stop). */
	filled?: boolean;
}

export const icons = {
	camera: { d: `M3 8h4l2-3h6l2 3h4v12H3z${circle(12, 13.5, 3.5)}` },
	mic: { d: 'M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3zM5 11a7 7 0 0 0 14 0M12 18v3' },
	stop: { d: rect(6, 6, 12, 12), filled: true },
	close: { d: 'M6 6l12 12M18 6L6 18' },
	play: { d: 'M8 5l11 7-11 7z', filled: true },
	pause: { d: `${rect(7, 5, 3, 14)}${rect(14, 5, 3, 14)}`, filled: true },
	zoomIn: { d: `${circle(10.5, 10.5, 6.5)}M20 20l-4.8-4.8M7.5 10.5h6M10.5 7.5v6` },
	zoomOut: { d: `${circle(10.5, 10.5, 6.5)}M20 20l-4.8-4.8M7.5 10.5h6` },
	fit: { d: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5' },
	download: { d: 'M12 4v11M7 10l5 5 5-5M5 20h14' },
	select: { d: 'M5 3l14 8-6.5 1.5L9 19z' },
	pan: { d: 'M12 3v18M3 12h18M9 6l3-3 3 3M9 18l3 3 3-3M6 9l-3 3 3 3M18 9l3 3-3 3' },
	pen: { d: 'M4 20l1-4.5L16 4.5l3.5 3.5L8.5 19zM14 6.5l3.5 3.5' },
	highlighter: { d: 'M9 14l-4 6h6l1.5-2.5M9 14l7-10 4.5 3-7 10zM9 14l4.5 3' },
	line: { d: 'M5 19L19 5' },
	arrow: { d: 'M5 19L19 5M10 5h9v9' },
	rect: { d: rect(4, 6, 16, 12) },
	ellipse: { d: 'M4 12a8 6 0 1 0 16 0a8 6 0 1 0-16 0' },
	text: { d: 'M5 7V4h14v3M12 4v16M9 20h6' },
	eraser: { d: 'M8.5 20L3 14.5 13.5 4 20 10.5 10.5 20zM7 11l6.5 6.5M13 20h8' },
	picture: { d: `${rect(3, 5, 18, 14)}M3 16l5-5 4 4 3-3 6 6${circle(15.5, 9.5, 1.5)}` },
	undo: { d: 'M9 4L4 9l5 5M4 9h10a5 5 0 0 1 0 10h-4' },
	redo: { d: 'M15 4l5 5-5 5M20 9H10a5 5 0 0 0 0 10h4' },
	trash: { d: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6' },
	save: { d: 'M5 4h11l3 3v13H5zM8 4v5h7V4M8 20v-6h8v6' },
	shapes: { d: `${rect(3, 3, 10, 10)}${circle(16, 16, 5)}` },
	more: { d: `${circle(5, 12, 1.2)}${circle(12, 12, 1.2)}${circle(19, 12, 1.2)}` },
	file: { d: 'M6 3h8l4 4v14H6zM14 3v4h4' }
} satisfies Record<string, IconShape>;

export type IconName = keyof typeof icons;
