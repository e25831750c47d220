import { describe, expect, it } from 'vitest';
import { approximateSize } from './byte-size';

describe('approximateSize', () => {
	it('picks kB, MB or GB and keeps two or three figures', () => {
		expect(approximateSize(38_212_345, 'en')).toBe('38 MB');
		expect(approximateSize(4_249_000, 'en')).toBe('4.2 MB');
		expect(approximateSize(999_600, 'en')).toBe('1 MB');
		expect(approximateSize(999_400, 'en')).toBe('999 kB');
		expect(approximateSize(999_700_000, 'en')).toBe('1 GB');
		expect(approximateSize(380_400, 'en')).toBe('380 kB');
		expect(approximateSize(1_234_000_000, 'en')).toBe('1.2 GB');
		expect(approximateSize(25_600_000_000, 'en')).toBe('26 GB');
	});

	it('never says 0 for a few bytes', () => {
		expect(approximateSize(12, 'en')).toBe('1 kB');
		expect(approximateSize(0, 'en')).toBe('0 kB');
	});

	it('writes the number and the unit the language’s way', () => {
		// French puts a narrow no-break space before the unit.
		expect(approximateSize(4_249_000, 'fr')).toBe('4,2\u202fMo');
		expect(approximateSize(4_249_000, 'es')).toBe('4,2 MB');
	});
});
