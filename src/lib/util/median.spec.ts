import { describe, expect, it } from 'vitest';
import { lowerMedian, median } from './median';

describe('median', () => {
	it('is the middle value of an odd count and the mean of the middle two of an even one', () => {
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([7])).toBe(7);
	});

	it('sorts numerically without touching its input, and is NaN for no values', () => {
		const values = [10, 9, 100];
		expect(median(values)).toBe(10); // not '100' < '9' as strings would sort
		expect(values).toEqual([10, 9, 100]);
		expect(median([])).toBeNaN();
	});
});

describe('lowerMedian', () => {
	it('is the middle value of an odd count and the lower of the middle two of an even one', () => {
		expect(lowerMedian([5, 1, 3])).toBe(3);
		expect(lowerMedian([4, 1, 3, 2])).toBe(2);
		expect(lowerMedian([0.7, 0.05])).toBe(0.05);
		expect(lowerMedian([7])).toBe(7);
		expect(lowerMedian([])).toBeNaN();
	});

	it('is above a threshold exactly when more than half of the values are', () => {
		for (let n = 1; n <= 7; n++)
			for (let above = 0; above <= n; above++) {
				const values = [...Array(n - above).fill(0.1), ...Array(above).fill(0.9)].reverse();
				expect(lowerMedian(values) > 0.5).toBe(above > n / 2);
			}
	});
});
