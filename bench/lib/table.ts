// The table `npm run bench` prints, in Markdown so docs/figures.md can take it as it is.
import type { Figure } from './figure.ts';

export function markdownTable(figures: Figure[]): string {
	const rows = figures.map((f) => [
		f.name,
		`${f.value} ${f.unit}`,
		f.baseline === null ? '–' : `${f.baseline} ${f.unit}`,
		f.ratio === null ? '–' : `${f.ratio}×`,
		f.goal || '–',
		f.pass === null ? '' : f.pass ? 'met' : '**missed**'
	]);
	const header = ['figure', 'Caseroom', 'baseline', 'ratio', 'goal', ''];
	return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
