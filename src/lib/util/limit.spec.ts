import { describe, expect, it } from 'vitest';
import { parseLimit } from './limit';

describe('parseLimit', () => {
	it('reads empty as all, a whole number of 1 or more as itself, and refuses anything else', () => {
		expect(parseLimit('')).toBeNull();
		expect(parseLimit('  ')).toBeNull();
		expect(parseLimit(' 3 ')).toBe(3);
		for (const bad of ['0', '-3', '1.5', 'abc', '1e3', '4e', '99999999999999999999'])
			expect(parseLimit(bad)).toBeUndefined();
	});
});
