import { describe, expect, it } from 'vitest';
import { formatSpread, spreadOf } from './seeds';

describe('spreadOf', () => {
	it('gives the mean and the range over the runs', () => {
		const s = spreadOf([0.9737, 0.9798, 0.9828]);
		expect(s.runs).toBe(3);
		expect(s.mean).toBeCloseTo((0.9737 + 0.9798 + 0.9828) / 3, 12);
		expect(s.min).toBe(0.9737);
		expect(s.max).toBe(0.9828);
		expect(formatSpread(s)).toBe('97.9% (97.4–98.3, 3 seeds)');
	});

	it('says a single run is one seed, and refuses nothing or a non-number', () => {
		expect(formatSpread(spreadOf([0.5]))).toBe('50.0% (1 seed)');
		expect(() => spreadOf([])).toThrow(/at least one run/);
		expect(() => spreadOf([0.5, Number.NaN])).toThrow(/Expected numbers, got NaN/);
	});
});
