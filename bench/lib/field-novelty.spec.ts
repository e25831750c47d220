import { describe, expect, it } from 'vitest';
import { combineScaled, knnDistance, unitRows } from './field-novelty';

describe('unitRows', () => {
	it('scales rows to unit length and keeps a zero row', () => {
		expect(Array.from(unitRows([3, 4, 0, 0], 2))).toEqual([0.6, 0.8, 0, 0].map(Math.fround));
		expect(() => unitRows([1, 2, 3], 2)).toThrow('Expected rows of 2 values, got 3');
	});
});

describe('knnDistance', () => {
	it('is the cosine distance to the k-th nearest reference', () => {
		const refs = [1, 0, 0, 1, -1, 0];
		const d1 = knnDistance([2, 0, 1, 1], refs, 2, 1);
		expect(d1[0]).toBeCloseTo(0, 6); // same direction as (1, 0)
		expect(d1[1]).toBeCloseTo(1 - Math.SQRT1_2, 6); // 45° from both (1, 0) and (0, 1)
		const d2 = knnDistance([2, 0], refs, 2, 2);
		expect(d2[0]).toBeCloseTo(1, 6); // second nearest: (0, 1), 90° away
		expect(knnDistance([2, 0], refs, 2, 3)[0]).toBeCloseTo(2, 6); // (−1, 0), opposite
	});

	it('names a k the references cannot give', () => {
		expect(() => knnDistance([1, 0], [1, 0], 2, 2)).toThrow('Expected k in [1, 1]');
	});
});

describe('combineScaled', () => {
	it('scales each score by its reference median and keeps the larger or the smaller', () => {
		const out = combineScaled([1, 4], [10, 10], [1, 2, 3], [10, 20, 30], 'max');
		// medians 2 and 20: [max(0.5, 0.5), max(2, 0.5)]
		expect(Array.from(out)).toEqual([0.5, 2]);
		const low = combineScaled([1, 4], [40, 10], [1, 2, 3], [10, 20, 30], 'min');
		expect(Array.from(low)).toEqual([0.5, 0.5]); // [min(0.5, 2), min(2, 0.5)]
		expect(() => combineScaled([1], [1, 2], [1], [1], 'max')).toThrow(
			'Expected scores of one length'
		);
	});
});
