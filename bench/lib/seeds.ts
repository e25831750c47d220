/**
 * Seed spread of a figure over repeated training runs (bench/preset-seeds.ts): the mean and the
 * range, so a README quotes what a fresh run gives rather than one run's luck.
 */

export interface Spread {
	runs: number;
	mean: number;
	min: number;
	max: number;
}

/** Mean and range of `values` (one per seed); throws on an empty list or a non-finite value. */
export function spreadOf(values: readonly number[]): Spread {
	if (!values.length) throw new Error('Expected at least one run');
	for (const v of values) if (!Number.isFinite(v)) throw new Error(`Expected numbers, got ${v}`);
	return {
		runs: values.length,
		mean: values.reduce((a, b) => a + b, 0) / values.length,
		min: Math.min(...values),
		max: Math.max(...values)
	};
}

/** `97.9% (97.4–98.3, 3 seeds)` for shares; one run prints its value alone. */
export function formatSpread(s: Spread): string {
	const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
	if (s.runs === 1) return `${pct(s.mean)} (1 seed)`;
	return `${pct(s.mean)} (${(100 * s.min).toFixed(1)}–${(100 * s.max).toFixed(1)}, ${s.runs} seeds)`;
}
