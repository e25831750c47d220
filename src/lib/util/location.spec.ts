import { describe, expect, it } from 'vitest';
import { roundingError, storedLocation } from './location';

describe('storedLocation', () => {
	it('rounds to two decimal places (about 1 km) and widens the accuracy to the rounding', () => {
		const stored = storedLocation(
			{ latitude: 48.856613, longitude: 2.352222, accuracy: 12 },
			false
		);
		expect(stored.latitude).toBe(48.86);
		expect(stored.longitude).toBe(2.35);
		// Half the cell's diagonal at 48.86°: 556.6 m north–south, 366 m east–west.
		expect(stored.accuracy).toBe(Math.round(roundingError(48.86)));
		expect(stored.accuracy).toBeGreaterThan(600);
		expect(stored.accuracy).toBeLessThan(700);
	});

	it('keeps a reported accuracy worse than the rounding', () => {
		expect(
			storedLocation({ latitude: -1.2921, longitude: 36.8219, accuracy: 2500 }, false)
		).toEqual({
			latitude: -1.29,
			longitude: 36.82,
			accuracy: 2500
		});
	});

	it('stores no negative zero and no float noise', () => {
		const stored = storedLocation({ latitude: -0.004, longitude: 0.285, accuracy: 5 }, false);
		expect(Object.is(stored.latitude, -0)).toBe(false);
		expect(stored.latitude).toBe(0);
		expect(String(stored.longitude)).toMatch(/^0\.\d{1,2}$/);
	});

	it('keeps the position as reported when precise is chosen', () => {
		const coords = { latitude: 48.856613, longitude: 2.352222, accuracy: 12 };
		expect(storedLocation(coords, true)).toEqual(coords);
	});

	it('names a coordinate out of range', () => {
		expect(() => storedLocation({ latitude: 91, longitude: 0, accuracy: 1 }, false)).toThrow(
			'Expected latitude to be between -90 and 90, got 91'
		);
		expect(() => storedLocation({ latitude: 0, longitude: NaN, accuracy: 1 }, true)).toThrow(
			'Expected longitude to be between -180 and 180, got NaN'
		);
	});
});

describe('roundingError', () => {
	it('is about 787 m at the equator and shrinks toward the poles', () => {
		expect(roundingError(0)).toBeCloseTo(787.1, 0);
		expect(roundingError(60)).toBeLessThan(roundingError(0));
		expect(roundingError(90)).toBeCloseTo(556.6, 0);
	});
});
