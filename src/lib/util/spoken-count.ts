/**
 * A count of work done as a screen reader is told it: the exact count, shown beside a progress bar,
 * changes with every photo, and a live region saying each change would say nothing else. This one
 * changes `steps` times in all: at 0, at each 1/steps of `total`, and at the end.
 */
export function spokenCount(done: number, total: number, steps = 4): number {
	if (total <= 0 || done >= total) return Math.max(0, Math.min(done, total));
	const step = total / steps;
	return Math.floor(Math.floor(done / step) * step);
}
