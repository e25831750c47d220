/**
 * "Photos per class" as typed in a form (the Train page, learn my fields): empty is all (null); a
 * whole number of 1 or more is that many; anything else (0, negative, a fraction, not a number)
 * is refused (undefined).
 */
export function parseLimit(text: string): number | null | undefined {
	const trimmed = text.trim();
	if (trimmed === '') return null;
	if (!/^\d+$/.test(trimmed)) return undefined;
	const n = Number(trimmed);
	return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}
