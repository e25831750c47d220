/**
 * The day of `date` where the user is, as `YYYY-MM-DD`: for the names of files saved or shared (a
 * diagnosis at 02:00 in India is that day's, not the day before's as in UTC).
 */
export function localDay(date: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/**
 * `time` (a Date, or an ISO 8601 string) where the user is, in ISO 8601 with the offset from UTC,
 * e.g. `2025-05-05T02:00:00.000+05:30`: the same instant as `toISOString()`, with the day and hour the
 * user saw (history exports, whose rows the app shows in local time).
 */
export function localTime(time: Date | string): string {
	const date = new Date(time);
	const two = (n: number) => String(n).padStart(2, '0');
	// getTimezoneOffset is UTC minus local, in minutes (−330 in India).
	const ahead = -date.getTimezoneOffset();
	const sign = ahead < 0 ? '-' : '+';
	const offset = `${sign}${two(Math.floor(Math.abs(ahead) / 60))}:${two(Math.abs(ahead) % 60)}`;
	const ms = String(date.getMilliseconds()).padStart(3, '0');
	const clock = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${ms}`;
	return `${localDay(date)}T${clock}${offset}`;
}
