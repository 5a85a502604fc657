// Renders the PWA's PNG icons from static/favicon.svg with the system Chromium (run by hand after the logo changes:
// `node scripts/make-icons.mjs`; the PNGs are committed, so neither the build nor the relay needs a browser).
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const logo = readFileSync('static/favicon.svg', 'utf8');
// The logo's glyph already sits inside the maskable safe zone (the centre circle of 80 %), so a full-bleed variant
// only drops the rounded corners: the launcher applies its own mask, iOS its own rounding.
const fullBleed = logo.replace(/ rx="[^"]*"/, '');
const icons = [
	{ file: 'icon-192.png', size: 192, svg: logo },
	{ file: 'icon-512.png', size: 512, svg: logo },
	{ file: 'icon-maskable-512.png', size: 512, svg: fullBleed },
	{ file: 'apple-touch-icon.png', size: 180, svg: fullBleed }
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
	for (const { file, size, svg } of icons) {
		const page = await browser.newPage({ viewport: { width: size, height: size } });
		const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
		await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
		await page.screenshot({ path: `static/${file}`, omitBackground: true });
		await page.close();
	}
} finally {
	await browser.close();
}
