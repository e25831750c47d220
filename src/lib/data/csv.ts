/**
 * CSV for exports (diagnosis history, evaluation tables): RFC 4180 quoting, CRLF line ends, and
 * formula-injection protection — a cell starting with = + - @ is prefixed with ' so a spreadsheet
 * shows it as text instead of running it.
 */
export type Cell = string | number | boolean | null | undefined;

function escapeCell(value: Cell): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
	return [header, ...rows].map((row) => row.map(escapeCell).join(',')).join('\r\n') + '\r\n';
}
