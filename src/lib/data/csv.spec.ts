import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
	it('quotes commas, quotes and newlines, and ends lines with CRLF', () => {
		expect(
			toCsv(
				['a', 'b'],
				[
					['x,y', 'say "hi"'],
					['line\nbreak', 3]
				]
			)
		).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",3\r\n');
	});
	it('leaves empty cells for null and undefined and keeps numbers as they are', () => {
		expect(
			toCsv(
				['n', 'v'],
				[
					[null, -0.5],
					[undefined, true]
				]
			)
		).toBe('n,v\r\n,-0.5\r\n,true\r\n');
	});
	it('neutralises spreadsheet formulas in text cells', () => {
		expect(toCsv(['x'], [['=HYPERLINK("http://evil")'], ['@SUM(A1)'], ['-1+2']])).toBe(
			`x\r\n"'=HYPERLINK(""http://evil"")"\r\n'@SUM(A1)\r\n'-1+2\r\n`
		);
	});
});
