import { describe, expect, it } from 'vitest';
import { spokenCount } from './spoken-count';

describe('spokenCount', () => {
	it('changes at each quarter and at the end, not with every photo', () => {
		const said = new Set(Array.from({ length: 481 }, (_, done) => spokenCount(done, 480)));
		expect([...said]).toEqual([0, 120, 240, 360, 480]);
		expect(spokenCount(119, 480)).toBe(0);
		expect(spokenCount(479, 480)).toBe(360);
	});

	it('a few photos: each step is a whole count, never over the total', () => {
		expect(Array.from({ length: 4 }, (_, done) => spokenCount(done, 3))).toEqual([0, 0, 1, 3]);
		expect(spokenCount(5, 3)).toBe(3);
		expect(spokenCount(0, 0)).toBe(0);
	});
});
