import { describe, expect, it } from 'vitest';
import {
	extrapolatedFeatureSeconds,
	extrapolatedTarget,
	firstAtTarget,
	maxAbsDiff,
	type TargetEpoch
} from './time-to-target';

const epoch = (n: number, valAccuracy: number, seconds = 2, start = 100): TargetEpoch => ({
	epoch: n,
	trainAccuracy: 0.9,
	valAccuracy,
	seconds,
	cumulativeSeconds: start + n * seconds,
	numTensors: 6
});

describe('maxAbsDiff', () => {
	it('finds the largest difference and the reference scale over the first n values', () => {
		const a = Float32Array.from([1, -2, 3.5, 100]);
		const b = Float32Array.from([1.5, -2, 3, -7]);
		expect(maxAbsDiff(a, b, 3)).toEqual({ diff: 0.5, scale: 3 });
		expect(maxAbsDiff(a, b).diff).toBe(107);
	});

	it('treats a NaN feature as a disagreement and refuses more values than the arrays hold', () => {
		expect(maxAbsDiff([Number.NaN, 0], [0, 0]).diff).toBeNaN();
		expect(() => maxAbsDiff([1], [1, 2], 2)).toThrow('Expected 2 values in both arrays');
	});
});

describe('time to target arithmetic', () => {
	it('adds the warm-up to photos ÷ rate and rejects a zero rate', () => {
		expect(extrapolatedFeatureSeconds(1000, 10, 5)).toBe(105);
		expect(() => extrapolatedFeatureSeconds(1000, 0, 5)).toThrow('positive feature rate, got 0');
	});

	it('picks the first epoch at or above the target', () => {
		const epochs = [epoch(1, 0.9), epoch(2, 0.97), epoch(3, 0.98)];
		expect(firstAtTarget(epochs, 0.97)?.epoch).toBe(2);
		expect(firstAtTarget(epochs, 0.99)).toBeNull();
	});

	it('counts the epochs past the cap only when the head matched the reference', () => {
		const capped = [epoch(1, 0.9, 10), epoch(2, 0.92, 20)];
		// Median of 10 and 20 s = 15 s; 5 more epochs to the reference's epoch 7.
		expect(extrapolatedTarget(capped, 'cap', 7, 0)).toEqual({
			targetEpoch: 7,
			timeToTargetSeconds: capped[1]!.cumulativeSeconds + 5 * 15,
			extrapolatedEpochs: 5
		});
		expect(extrapolatedTarget(capped, 'cap', 7, 2)).toBeNull();
		expect(extrapolatedTarget(capped, 'cap', null, 0)).toBeNull();
		expect(extrapolatedTarget(capped, 'target', 7, 0)).toBeNull();
		expect(extrapolatedTarget(capped, 'cap', 2, 0)).toBeNull();
	});
});
