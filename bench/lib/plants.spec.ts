import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../src/lib/ml/classifier-dir';
import type { PlantThresholds } from '../../src/lib/ml/plant-answer';
import { answerOf, rankedRow } from '../../src/lib/ml/predict';
import { consecutivePlants, countPlants, meanShare, plantPartitions } from './plants';

const LABELS = ['Apple___Apple_scab', 'Apple___Black_rot', 'Apple___healthy'];
const THRESHOLDS: PlantThresholds = { minConfidence: 0.6, maxNovelty: 0.3 };

/** A leaf's answer as decide() makes it. */
function leaf(probabilities: number[], novelty = 0.1): Prediction {
	return answerOf(rankedRow(probabilities, LABELS), probabilities, novelty, THRESHOLDS, 3);
}

describe('plantPartitions', () => {
	const groups = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b', 'b', 'b'];

	it('cuts every group into plants of k photos of that group, each photo at most once', () => {
		for (const partition of plantPartitions(groups, 2, 5, 42)) {
			// a: 5 photos → 2 plants, b: 7 → 3 plants; the short run is left out.
			expect(partition).toHaveLength(5);
			for (const plant of partition) {
				expect(plant).toHaveLength(2);
				expect(new Set(plant.map((i) => groups[i])).size).toBe(1);
			}
			const used = partition.flat();
			expect(new Set(used).size).toBe(used.length);
		}
	});

	it('is seeded: the same seed gives the same partitions, another seed or rep others', () => {
		const once = plantPartitions(groups, 3, 4, 42);
		expect(plantPartitions(groups, 3, 4, 42)).toEqual(once);
		expect(plantPartitions(groups, 3, 4, 43)).not.toEqual(once);
		expect(new Set(once.map((p) => JSON.stringify(p))).size).toBeGreaterThan(1);
	});

	it('one leaf per plant is every photo alone', () => {
		const [partition] = plantPartitions(groups, 1, 1, 7);
		expect(partition!.flat().sort((a, b) => a - b)).toEqual(groups.map((_, i) => i));
	});

	it('names a bad k or rep count', () => {
		expect(() => plantPartitions(groups, 0, 1, 1)).toThrow('Expected k ≥ 1 leaves, got 0');
		expect(() => plantPartitions(groups, 2, 0, 1)).toThrow('Expected reps ≥ 1, got 0');
	});
});

describe('consecutivePlants', () => {
	it('cuts each group, in the natural order of the names, into runs of k', () => {
		const names = ['Scab_10', 'Rust_2', 'Scab_9', 'Scab_1', 'Rust_1', 'Scab_2', 'Rust_3'];
		const groups = [0, 1, 0, 0, 1, 0, 1];
		// Scab: 1, 2, 9, 10 → [3, 5], [2, 0]; Rust: 1, 2, 3 → [4, 1] and 3 left out.
		expect(consecutivePlants(groups, names, 2)).toEqual([
			[3, 5],
			[2, 0],
			[4, 1]
		]);
		expect(consecutivePlants(groups, names, 1)).toHaveLength(7);
	});

	it('names a bad k or a missing name', () => {
		expect(() => consecutivePlants([0], ['a'], 0)).toThrow('Expected k ≥ 1 leaves, got 0');
		expect(() => consecutivePlants([0, 0], ['a'], 1)).toThrow(
			'Expected a name per photo (2), got 1'
		);
	});
});

describe('countPlants', () => {
	const predictions = [
		leaf([0.7, 0.2, 0.1]), // scab, answered
		leaf([0.5, 0.4, 0.1]), // scab, low confidence
		leaf([0.25, 0.7, 0.05]), // black rot, answered
		leaf([0.1, 0.1, 0.8], 0.9), // healthy, unfamiliar
		leaf([0.1, 0.1, 0.8], 0.9)
	];
	const truth = [0, 0, 0, 2, 2];

	it('counts each plant by the app combined answer', () => {
		const counts = countPlants(
			predictions,
			truth,
			[
				[0, 1],
				[0, 2],
				[3, 4]
			],
			THRESHOLDS,
			LABELS
		);
		// [0,1]: mean 0.6 scab → answered, right; [0,2]: named scab and black rot → disagree, forced
		// scab (0.475 vs 0.45), right; [3,4]: unfamiliar, forced healthy, right.
		expect(counts).toEqual({
			plants: 3,
			right: 3,
			answered: 1,
			answeredRight: 1,
			disagree: 1,
			unfamiliar: 1
		});
	});

	it('one leaf per plant gives the leaves own answers', () => {
		const counts = countPlants(predictions, truth, [[0], [1], [2]], THRESHOLDS, LABELS);
		expect(counts).toMatchObject({ plants: 3, right: 2, answered: 2, answeredRight: 1 });
	});
});

describe('meanShare', () => {
	it('is the mean count over partitions, rounded, of one partition with its interval', () => {
		const p = meanShare([10, 11, 13], 20);
		expect(p).toMatchObject({ k: 11, n: 20, value: 0.55 });
		expect(p.interval[0]).toBeLessThan(0.55);
		expect(p.interval[1]).toBeGreaterThan(0.55);
		expect(() => meanShare([], 20)).toThrow('Expected at least one partition');
	});
});
