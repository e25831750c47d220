/**
 * The day of `date` where the user is, as `YYYY-MM-DD`: for the names of files saved or shared (a
 * diagnosis at 02:00 in India is that day's, not the day before's as in UTC).
 */
export function localDay(date: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}
