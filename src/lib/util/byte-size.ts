/**
 * A size in bytes as a reader takes it in at a glance, in `locale`'s way: a decimal unit (kB, MB, GB,
 * as phones and data plans count) and two or three figures ("380 kB", "4.2 MB", "38 MB", "1.2 GB").
 * Rounded, so meant after "about". A size above 0 never reads as 0.
 */
export function approximateSize(bytes: number, locale: string): string {
	const [unit, value] =
		// The unit the rounded figure reads best in: 999,600 bytes is "1 MB", not "1,000 kB".
		bytes >= 999.5e6
			? (['gigabyte', bytes / 1e9] as const)
			: bytes >= 999.5e3
				? (['megabyte', bytes / 1e6] as const)
				: (['kilobyte', bytes > 0 ? Math.max(1, bytes / 1e3) : 0] as const);
	return new Intl.NumberFormat(locale, {
		style: 'unit',
		unit,
		unitDisplay: 'short',
		maximumFractionDigits: value < 10 && unit !== 'kilobyte' ? 1 : 0
	}).format(value);
}
