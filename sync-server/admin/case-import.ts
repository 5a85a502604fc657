// Reads no UI state. A case system's export (CSV or JSON) turned into the changes that make the directory's service
// cases match it: new numbers are added, known ones updated, the same file twice changes nothing. A file with one
// bad row is refused whole, with every bad row named, so nothing of it half-applies.
import type { ImportCounts, ImportRowError } from '../../src/lib/model/admin.ts';
import type { Organisation, ServiceCase } from '../../src/lib/model/directory.ts';
import { asCaseId } from '../../src/lib/model/ids.ts';

export type ImportFormat = 'csv' | 'json';

/** One case as the file gives it; `row` counts as a person does: the CSV's line (header = 1), the JSON's item. */
export interface ImportRow {
	row: number;
	number: string;
	title: string;
	org: string;
	/** Absent when the file has no status: the case's open or closed state stays as it is. */
	status?: string;
}

export interface ImportPlan {
	add: ServiceCase[];
	update: ServiceCase[];
	counts: ImportCounts;
}

export const MAX_IMPORT_ROWS = 5000;
export const MAX_TITLE_LENGTH = 200;
/** A case number: what case systems use (SC-1042, 2026/0042, CASE_7.1), no spaces, at most 32 characters. */
export const CASE_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/;

export class ImportError extends Error {
	constructor(
		message: string,
		readonly rows: ImportRowError[] = []
	) {
		super(message);
	}
}

/** The column names a case system's export may use for each field (compared in lower case). */
const COLUMNS: Record<keyof Omit<ImportRow, 'row'>, string[]> = {
	number: ['number', 'case', 'case number', 'case_number', 'id'],
	title: ['title', 'subject', 'summary'],
	org: ['org', 'organisation', 'organization', 'customer'],
	status: ['status', 'state']
};

export function parseCaseFile(format: ImportFormat, text: string): ImportRow[] {
	const rows = format === 'csv' ? csvRows(text) : jsonRows(text);
	if (rows.length === 0) throw new ImportError('The file has no cases in it.');
	if (rows.length > MAX_IMPORT_ROWS) throw new ImportError(`The file has ${rows.length} cases; import at most ${MAX_IMPORT_ROWS} at a time.`);
	return rows;
}

/** Checks every row against the directory and returns the changes; throws ImportError naming each bad row. */
export function planCaseImport(rows: ImportRow[], organisations: Organisation[], cases: ServiceCase[]): ImportPlan {
	const orgByKey = new Map<string, Organisation>();
	for (const o of organisations) orgByKey.set(o.id.toLowerCase(), o).set(o.name.trim().toLowerCase(), o);
	const existing = new Map(cases.map((c) => [c.number, c]));
	const firstRow = new Map<string, number>();
	const errors: ImportRowError[] = [];
	const plan: ImportPlan = { add: [], update: [], counts: { added: 0, updated: 0, unchanged: 0 } };
	for (const r of rows) {
		const problem = rowProblem(r, orgByKey, firstRow);
		if (problem) {
			errors.push({ row: r.row, message: problem });
			continue;
		}
		firstRow.set(r.number, r.row);
		const before = existing.get(r.number);
		const closed = r.status === undefined || r.status === '' ? (before?.closed ?? false) : r.status.toLowerCase() === 'closed';
		const serviceCase: ServiceCase = { id: asCaseId(r.number), number: r.number, title: r.title, org: orgByKey.get(r.org.toLowerCase())!.id, ...(closed ? { closed } : {}) };
		if (!before) plan.add.push(serviceCase);
		else if (before.title !== serviceCase.title || before.org !== serviceCase.org || (before.closed ?? false) !== closed) plan.update.push(serviceCase);
		else plan.counts.unchanged++;
	}
	if (errors.length > 0)
		throw new ImportError(`${errors.length === 1 ? 'One row is' : `${errors.length} rows are`} not valid, so nothing was imported. Correct the file and import it again.`, errors);
	plan.counts.added = plan.add.length;
	plan.counts.updated = plan.update.length;
	return plan;
}

function rowProblem(r: ImportRow, orgByKey: Map<string, Organisation>, firstRow: Map<string, number>): string | null {
	if (!r.number) return 'The case number is empty.';
	if (!CASE_NUMBER.test(r.number)) return `"${r.number}" is not a case number (letters, digits, ".", "_", "/" or "-", at most 32, no spaces).`;
	const earlier = firstRow.get(r.number);
	if (earlier !== undefined) return `Case ${r.number} is already in row ${earlier} of this file.`;
	if (!r.title) return `Case ${r.number} has no title.`;
	if (r.title.length > MAX_TITLE_LENGTH) return `The title of case ${r.number} is longer than ${MAX_TITLE_LENGTH} characters.`;
	if (!r.org) return `Case ${r.number} names no organisation.`;
	if (!orgByKey.has(r.org.toLowerCase())) return `There is no organisation "${r.org}" (give its id or its name; add it first if it is new).`;
	if (r.status !== undefined && !['', 'open', 'closed'].includes(r.status.toLowerCase())) return `The status of case ${r.number} is "${r.status}"; use open or closed.`;
	return null;
}

function jsonRows(text: string): ImportRow[] {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (err) {
		throw new ImportError(`The file is not valid JSON: ${(err as Error).message}`);
	}
	const list = Array.isArray(value) ? value : (value as { cases?: unknown } | null)?.cases;
	if (!Array.isArray(list)) throw new ImportError('The JSON must be an array of cases, or an object with a "cases" array.');
	const errors: ImportRowError[] = [];
	const rows = list.map((item: unknown, i): ImportRow => {
		const row = i + 1;
		if (typeof item !== 'object' || item === null || Array.isArray(item)) {
			errors.push({ row, message: 'This item is not an object like { "number", "title", "org" }.' });
			return { row, number: '', title: '', org: '' };
		}
		const field = (name: keyof typeof COLUMNS) => {
			const key = Object.keys(item).find((k) => COLUMNS[name].includes(k.toLowerCase()));
			const v = key === undefined ? undefined : (item as Record<string, unknown>)[key];
			if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') errors.push({ row, message: `"${key}" must be text.` });
			return v === undefined || v === null ? undefined : String(v).trim();
		};
		return { row, number: field('number') ?? '', title: field('title') ?? '', org: field('org') ?? '', status: field('status') };
	});
	if (errors.length > 0) throw new ImportError(`${errors.length} items are not valid, so nothing was imported.`, errors);
	return rows;
}

function csvRows(text: string): ImportRow[] {
	const records = parseCsv(text.replace(/^\uFEFF/, ''));
	const header = records.shift();
	if (!header) throw new ImportError('The file is empty.');
	const names = header.cells.map((c) => c.trim().toLowerCase());
	const at = (field: keyof typeof COLUMNS) => names.findIndex((n) => COLUMNS[field].includes(n));
	const columns = { number: at('number'), title: at('title'), org: at('org'), status: at('status') };
	const missing = (['number', 'title', 'org'] as const).filter((f) => columns[f] < 0);
	if (missing.length > 0)
		throw new ImportError(`The first line must name the columns; ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (found: ${header.cells.join(', ') || 'nothing'}).`);
	return records
		.filter((r) => r.cells.some((c) => c.trim() !== ''))
		.map((r) => {
			const cell = (i: number) => (i < 0 ? undefined : (r.cells[i] ?? '').trim());
			return { row: r.line, number: cell(columns.number)!, title: cell(columns.title)!, org: cell(columns.org)!, status: cell(columns.status) };
		});
}

/**
 * RFC 4180 CSV with the habits of real exports: a BOM, CRLF or LF, quoted fields with "" and line breaks, and ";" as
 * the separator when the header uses it (spreadsheets in Czech and German locales write that).
 */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
	const firstLine = text.slice(0, text.search(/\r?\n|$/));
	const separator = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
	const records: { line: number; cells: string[] }[] = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	let line = 1;
	let recordLine = 1;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i]!;
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else {
				if (ch === '\n') line++;
				cell += ch;
			}
		} else if (ch === '"' && cell.trim() === '') {
			quoted = true;
			cell = '';
		} else if (ch === separator) {
			cells.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			records.push({ line: recordLine, cells: [...cells, cell] });
			cells = [];
			cell = '';
			recordLine = ++line;
		} else cell += ch;
	}
	if (quoted) throw new ImportError(`A quoted field that starts in line ${recordLine} never ends.`, [{ row: recordLine, message: 'A quote (") is not closed.' }]);
	if (cell !== '' || cells.length > 0) records.push({ line: recordLine, cells: [...cells, cell] });
	return records;
}
