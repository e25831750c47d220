import { describe, expect, it } from 'vitest';
import { mcnemarExact, meanRows, paired, shiftedSquare, SHIFTS } from './field-crop';
import { unknownRelpaths } from './field';

describe('shiftedSquare', () => {
	it('moves the square a quarter of its side each way', () => {
		const s = { x: 100, y: 50, size: 80 };
		expect(SHIFTS.map((d) => shiftedSquare(s, d, 400, 300))).toEqual([
			{ x: 80, y: 50, size: 80 },
			{ x: 120, y: 50, size: 80 },
			{ x: 100, y: 30, size: 80 },
			{ x: 100, y: 70, size: 80 }
		]);
	});

	it('stays inside the photo, as the app clamps a dragged crop', () => {
		const s = { x: 5, y: 0, size: 141 };
		expect(shiftedSquare(s, 'left', 256, 341)).toEqual({ x: 0, y: 0, size: 141 });
		expect(shiftedSquare(s, 'up', 256, 341)).toEqual(s);
		expect(shiftedSquare({ x: 100, y: 0, size: 141 }, 'right', 256, 341, 0.5)).toEqual({
			x: 115,
			y: 0,
			size: 141
		});
	});
});

describe('meanRows', () => {
	it('averages element by element', () => {
		expect(Array.from(meanRows([[0.2, 0.8], new Float32Array([0.6, 0.4])]))).toEqual([
			expect.closeTo(0.4, 6),
			expect.closeTo(0.6, 6)
		]);
		expect(Array.from(meanRows([[1, 2, 3]]))).toEqual([1, 2, 3]);
	});

	it('refuses nothing to average and unequal lengths', () => {
		expect(() => meanRows([])).toThrow('at least one');
		expect(() => meanRows([[1], [1, 2]])).toThrow('Expected arrays of length 1, got 2');
	});
});

describe('paired', () => {
	it('counts the four outcomes', () => {
		const a = [true, true, false, false, true];
		const b = [true, false, true, false, false];
		expect(paired(a, b)).toMatchObject({ both: 1, onlyA: 2, onlyB: 1, neither: 1 });
		expect(() => paired([true], [])).toThrow('got 1 and 0');
	});
});

describe('mcnemarExact', () => {
	it('is the two-sided binomial test on the discordant pairs', () => {
		expect(mcnemarExact(0, 0)).toBe(1);
		expect(mcnemarExact(3, 3)).toBe(1);
		// 0 of 5 discordant pairs one way: 2 × 0.5^5.
		expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 10);
		// 2 vs 10: 2 × (1 + 12 + 66) / 4096.
		expect(mcnemarExact(10, 2)).toBeCloseTo((2 * 79) / 4096, 10);
	});
});

describe('unknownRelpaths', () => {
	it('keeps one source and split of the unknown-disease photos, sorted', () => {
		const row = (source: string, split: string, label: string, relpath: string) => ({
			source,
			split,
			label,
			relpath
		});
		expect(
			unknownRelpaths(
				[
					row('a', 'val', 'unknown:x', 'u/2.jpg'),
					row('a', 'val', 'Apple___healthy', 'v/h.jpg'),
					row('a', 'train', 'unknown:x', 'u/t.jpg'),
					row('b', 'val', 'unknown:x', 'u/b.jpg'),
					row('a', 'val', 'unknown:y', 'u/1.jpg')
				],
				'a',
				'val'
			)
		).toEqual(['u/1.jpg', 'u/2.jpg']);
	});
});
