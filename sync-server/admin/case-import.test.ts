// A case system's export as the import reads it: CSV the way spreadsheets write it, JSON, every bad row named, and
// the same file twice changing nothing.
import { describe, expect, it } from 'vitest';
import type { ServiceCase } from '../../src/lib/model/directory.ts';
import { asCaseId, asOrgId } from '../../src/lib/model/ids.ts';
import { ImportError, parseCaseFile, parseCsv, planCaseImport, type ImportFormat } from './case-import.ts';

const organisations = [
	{ id: asOrgId('acme'), name: 'Acme Precision s.r.o.' },
	{ id: asOrgId('beta'), name: 'Beta Tools a.s.' }
];
const known: ServiceCase[] = [{ id: asCaseId('SC-1042'), number: 'SC-1042', title: 'CUT P 550 – wire breakage', org: asOrgId('acme') }];

const plan = (format: ImportFormat, text: string, cases = known) => planCaseImport(parseCaseFile(format, text), organisations, cases);

function refusal(run: () => unknown): ImportError {
	try {
		run();
	} catch (err) {
		if (err instanceof ImportError) return err;
		throw err;
	}
	throw new Error('expected an ImportError');
}

describe('parseCsv', () => {
	it('reads quotes, doubled quotes, line breaks in a field, CRLF, and numbers records by their first line', () => {
		const text = 'number,title\r\nSC-1,"Wire, broken"\r\nSC-2,"Says ""stop""\nthen beeps"\r\nSC-3,Plain\r\n';
		expect(parseCsv(text)).toEqual([
			{ line: 1, cells: ['number', 'title'] },
			{ line: 2, cells: ['SC-1', 'Wire, broken'] },
			{ line: 3, cells: ['SC-2', 'Says "stop"\nthen beeps'] },
			{ line: 5, cells: ['SC-3', 'Plain'] }
		]);
	});
	it('takes ";" as the separator when the header uses it (Czech and German spreadsheets)', () => {
		expect(parseCsv('number;title;org\nSC-1;Vřeteno, hluk;acme')).toEqual([
			{ line: 1, cells: ['number', 'title', 'org'] },
			{ line: 2, cells: ['SC-1', 'Vřeteno, hluk', 'acme'] }
		]);
	});
	it('refuses a quote that never closes', () => {
		expect(refusal(() => parseCsv('number,title\nSC-1,"open')).message).toMatch(/line 2 never ends/);
	});
});

describe('planCaseImport', () => {
	it('adds new numbers, updates known ones, matches organisations by id or name, and skips blank lines', () => {
		const csv = '\uFEFFCase Number,Subject,Customer,Status\nSC-1042,CUT P 550 – wire breakage in roughing,acme,\n\nSC-3001,FORM 20 – alarm 42,Beta Tools a.s.,closed\n';
		const result = plan('csv', csv);
		expect(result.add).toEqual([{ id: 'SC-3001', number: 'SC-3001', title: 'FORM 20 – alarm 42', org: 'beta', closed: true }]);
		expect(result.update).toEqual([{ id: 'SC-1042', number: 'SC-1042', title: 'CUT P 550 – wire breakage in roughing', org: 'acme' }]);
		expect(result.counts).toEqual({ added: 1, updated: 1, unchanged: 0 });
	});

	it('changes nothing when the same file comes again', () => {
		const json = JSON.stringify({ cases: [{ number: 'SC-3001', title: 'Spindle', org: 'acme', status: 'open' }, { number: 'SC-1042', title: known[0]!.title, organisation: 'ACME' }] });
		const first = plan('json', json);
		expect(first.counts).toEqual({ added: 1, updated: 0, unchanged: 1 });
		const after = [...known, ...first.add, ...first.update];
		expect(plan('json', json, after)).toEqual({ add: [], update: [], counts: { added: 0, updated: 0, unchanged: 2 } });
	});

	it('keeps a closed case closed when the file has no status, and reopens it when the file says open', () => {
		const closed = [{ ...known[0]!, closed: true }];
		expect(plan('csv', `number,title,org\nSC-1042,${known[0]!.title},acme`, closed).counts.unchanged).toBe(1);
		expect(plan('csv', `number,title,org,status\nSC-1042,${known[0]!.title},acme,Open`, closed).update).toEqual([known[0]]);
	});

	it('names every bad row and plans nothing', () => {
		const csv = ['number,title,org,status', 'SC-1,Fine,acme,open', 'SC 2,Space in the number,acme,', 'SC-3,,acme,', 'SC-4,Who,gamma,', 'SC-1,Again,acme,', 'SC-5,Odd,acme,pending'].join('\n');
		const err = refusal(() => plan('csv', csv));
		expect(err.message).toMatch(/5 rows are not valid, so nothing was imported/);
		expect(err.rows).toEqual([
			{ row: 3, message: expect.stringMatching(/"SC 2" is not a case number/) },
			{ row: 4, message: 'Case SC-3 has no title.' },
			{ row: 5, message: expect.stringMatching(/no organisation "gamma"/) },
			{ row: 6, message: 'Case SC-1 is already in row 2 of this file.' },
			{ row: 7, message: expect.stringMatching(/status of case SC-5 is "pending"/) }
		]);
	});

	it('explains a file that is not what it should be', () => {
		expect(refusal(() => plan('csv', 'id;name\nSC-1;x')).message).toMatch(/"title", "org" are missing \(found: id, name\)/);
		expect(refusal(() => plan('csv', 'number,title,org\n')).message).toBe('The file has no cases in it.');
		expect(refusal(() => plan('json', '{"cases": 3}')).message).toMatch(/array of cases/);
		expect(refusal(() => plan('json', '[{"number": "SC-1"')).message).toMatch(/not valid JSON/);
		const items = refusal(() => plan('json', '[{"number": "SC-1", "title": ["x"], "org": "acme"}, 7]'));
		expect(items.rows.map((r) => r.row)).toEqual([1, 2]);
	});
});
