import { describe, expect, it } from 'vitest';
import { median } from './median';

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
