import { describe, expect, it } from 'vitest';
import type { Prediction } from './classifier-dir';
import { answerOf, rankedRow } from './predict';
import { restrictToCrop } from './crops';
import { plantThresholds, type CropExpert } from './expert';
import { combineLeaves, MAX_DISSENT, type PlantThresholds } from './plant-answer';

const LABELS = ['Tomato___Early_blight', 'Tomato___Late_blight', 'Corn_(maize)___Common_rust_'];
const THRESHOLDS: PlantThresholds = { minConfidence: 0.6, maxNovelty: 0.3 };

/** A leaf's answer as decide() makes it, from its probabilities and novelty. */
function leaf(probabilities: number[], novelty = 0.1): Prediction {
	return answerOf(
		rankedRow(probabilities, LABELS),
		probabilities,
		novelty,
		THRESHOLDS,
		LABELS.length
	);
}

describe('combineLeaves', () => {
	it("reads a crop's leaves by its expert's own threshold, when the expert has one", () => {
		const tomato = (p: number[]) => restrictToCrop(leaf(p), LABELS, 'Tomato', THRESHOLDS, 3);
		// Both leaves lean to early blight, 0.55 of the crop on average: under the model's 0.6.
		const leaves = [tomato([0.5, 0.4, 0.1]), tomato([0.45, 0.4, 0.15])];
		expect(combineLeaves(leaves, THRESHOLDS, LABELS)).toMatchObject({
			abstained: true,
			reason: 'low-confidence'
		});
		const own = { ...THRESHOLDS, cropMinConfidence: { Tomato: 0.5 } };
		expect(combineLeaves(leaves, own, LABELS)).toMatchObject({ index: 0, abstained: false });
		// Another crop's threshold changes nothing here.
		expect(
			combineLeaves(leaves, { ...THRESHOLDS, cropMinConfidence: { Corn_: 0.1 } }, LABELS)
		).toMatchObject({ abstained: true });
		// The model's experts give these thresholds: the model's, and each crop's own.
		const expert = (crop: string, minConfidence?: number) =>
			({ crop, ...(minConfidence === undefined ? {} : { minConfidence }) }) as CropExpert;
		const model = {
			manifest: { abstention: { ...THRESHOLDS, coverage: 1 } },
			experts: [expert('Tomato', 0.5), expert('Corn_(maize)')]
		} as unknown as Parameters<typeof plantThresholds>[0];
		expect(plantThresholds(model)).toEqual(own);
		expect(plantThresholds({ ...model, experts: [expert('Tomato')] })).toEqual(THRESHOLDS);
	});

	it('one leaf: exactly its answer', () => {
		const only = leaf([0.5, 0.3, 0.2]);
		expect(combineLeaves([only], THRESHOLDS, LABELS)).toBe(only);
	});

	it('leaves that agree raise the plant past the threshold no single leaf reached', () => {
		// Each leaf alone is unsure (top under 0.6), but all lean to early blight.
		const leaves = [leaf([0.58, 0.4, 0.02]), leaf([0.59, 0.01, 0.4]), leaf([0.9, 0.05, 0.05])];
		expect(leaves.slice(0, 2).every((p) => p.reason === 'low-confidence')).toBe(true);
		const plant = combineLeaves(leaves, THRESHOLDS, LABELS);
		expect(plant).toMatchObject({ index: 0, label: LABELS[0], abstained: false, reason: null });
		expect(plant.confidence).toBeCloseTo((0.58 + 0.59 + 0.9) / 3);
		expect(plant.probabilities!.reduce((a, b) => a + b)).toBeCloseTo(1);
		expect(plant.top.map((t) => t.index)).toEqual([0, 2, 1]);
	});

	it('an averaged top under minConfidence is "not sure", low confidence', () => {
		const plant = combineLeaves(
			[leaf([0.5, 0.45, 0.05]), leaf([0.4, 0.5, 0.1])],
			THRESHOLDS,
			LABELS
		);
		expect(plant).toMatchObject({ abstained: true, reason: 'low-confidence' });
	});

	it('leaves confidently naming different classes: "not sure", they disagree', () => {
		const tomato = leaf([0.95, 0.03, 0.02]);
		const corn = leaf([0.02, 0.03, 0.95]);
		const two = combineLeaves([tomato, corn], THRESHOLDS, LABELS);
		expect(two).toMatchObject({ abstained: true, reason: 'disagree' });
		// Two of five leaves name corn: more than a third of the leaves dissent.
		const plant = combineLeaves([tomato, tomato, tomato, corn, corn], THRESHOLDS, LABELS);
		// The mean alone (0.58 early blight, 0.39 corn) would have answered with a lower bar.
		expect(plant.confidence).toBeCloseTo((3 * 0.95 + 2 * 0.02) / 5);
		expect(plant).toMatchObject({ label: LABELS[0], abstained: true, reason: 'disagree' });
		const lowBar = { ...THRESHOLDS, minConfidence: 0.5 };
		expect(combineLeaves([tomato, tomato, tomato, corn, corn], lowBar, LABELS)).toMatchObject({
			reason: 'disagree'
		});
	});

	it(`one odd leaf in three (up to ${MAX_DISSENT.toFixed(2)} of the leaves) is outvoted`, () => {
		const tomato = leaf([0.95, 0.03, 0.02]);
		const corn = leaf([0.02, 0.03, 0.95]);
		const plant = combineLeaves([tomato, tomato, corn], THRESHOLDS, LABELS);
		expect(plant).toMatchObject({ label: LABELS[0], abstained: false, reason: null });
		expect(plant.confidence).toBeCloseTo((2 * 0.95 + 0.02) / 3);
		// Two odd leaves of six are too; a third is not; with no tolerance, one is enough.
		const six = (odd: number) => [...Array(6 - odd).fill(tomato), ...Array(odd).fill(corn)];
		expect(combineLeaves(six(2), THRESHOLDS, LABELS).reason).toBeNull();
		expect(combineLeaves(six(3), THRESHOLDS, LABELS).reason).toBe('disagree');
		expect(
			combineLeaves([tomato, tomato, corn], THRESHOLDS, LABELS, { maxDissent: 0 }).reason
		).toBe('disagree');
	});

	it('a leaf that was itself "not sure" does not make the plant disagree', () => {
		const plant = combineLeaves(
			[leaf([0.9, 0.05, 0.05]), leaf([0.85, 0.1, 0.05]), leaf([0.3, 0.2, 0.5])],
			THRESHOLDS,
			LABELS
		);
		expect(plant).toMatchObject({ label: LABELS[0], abstained: false, reason: null });
	});

	it('one odd photo is outvoted, more than half of the leaves make the plant unfamiliar', () => {
		const usual = leaf([0.9, 0.05, 0.05], 0.1);
		const odd = leaf([0.9, 0.05, 0.05], 0.9);
		const outvoted = combineLeaves([usual, odd, usual], THRESHOLDS, LABELS);
		expect(outvoted).toMatchObject({ novelty: 0.1, abstained: false, reason: null });
		const unfamiliar = combineLeaves([usual, odd, odd], THRESHOLDS, LABELS);
		expect(unfamiliar).toMatchObject({ novelty: 0.9, abstained: true, reason: 'unfamiliar' });
		// One odd leaf of two is not a majority (the mean of the two, 0.375, would be over 0.3).
		const two = combineLeaves(
			[leaf([0.9, 0.05, 0.05], 0.05), leaf([0.9, 0.05, 0.05], 0.7)],
			THRESHOLDS,
			LABELS
		);
		expect(two).toMatchObject({ novelty: 0.05, index: 0, abstained: false, reason: null });
		// Two of four is not either; three of four is.
		expect(combineLeaves([usual, odd, usual, odd], THRESHOLDS, LABELS).reason).toBeNull();
		expect(combineLeaves([usual, odd, odd, odd], THRESHOLDS, LABELS)).toMatchObject({
			novelty: 0.9,
			reason: 'unfamiliar'
		});
	});

	it('leaves the model finds unfamiliar are left out of the mean while one leaf is familiar', () => {
		// Both familiar leaves lean to early blight; the unfamiliar one is sure of late blight.
		const familiar = leaf([0.62, 0.37, 0.01], 0.1);
		const odd = leaf([0, 0.99, 0.01], 0.9);
		expect(odd.reason).toBe('unfamiliar');
		const plant = combineLeaves([familiar, familiar, odd], THRESHOLDS, LABELS);
		expect(plant).toMatchObject({ index: 0, label: LABELS[0], abstained: false, reason: null });
		expect(plant.confidence).toBeCloseTo(0.62);
		expect(plant.novelty).toBe(0.1);
		// Every leaf unfamiliar: all are in the mean, and the plant is unfamiliar.
		const all = combineLeaves([odd, leaf([0.9, 0.05, 0.05], 0.8)], THRESHOLDS, LABELS);
		expect(all).toMatchObject({ index: 1, reason: 'unfamiliar' });
		expect(all.confidence).toBeCloseTo((0.99 + 0.05) / 2);
	});

	it('a leaf whose novelty is no number counts as unfamiliar, as it does alone', () => {
		const familiar = leaf([0.62, 0.37, 0.01], 0.1);
		const broken = leaf([0, 0.99, 0.01], NaN);
		expect(broken.reason).toBe('unfamiliar');
		const plant = combineLeaves([familiar, broken, familiar], THRESHOLDS, LABELS);
		expect(plant).toMatchObject({ index: 0, novelty: 0.1, reason: null });
		expect(combineLeaves([broken, familiar, broken], THRESHOLDS, LABELS).reason).toBe('unfamiliar');
	});

	it('familiar leaves naming different classes still disagree beside an unfamiliar one', () => {
		const tomato = leaf([0.95, 0.03, 0.02], 0.1);
		const corn = leaf([0.02, 0.03, 0.95], 0.1);
		const odd = leaf([0.9, 0.05, 0.05], 0.9);
		expect(combineLeaves([tomato, corn, odd], THRESHOLDS, LABELS)).toMatchObject({
			abstained: true,
			reason: 'disagree'
		});
	});

	it('leaves that all named one class disagree with a mean that names another', () => {
		// Two leaves name early blight, barely; a "not sure" leaf pulls the mean to late blight.
		const early = leaf([0.61, 0.39, 0], 0.1);
		const flat = leaf([0, 0.55, 0.45], 0.1);
		expect(flat.reason).toBe('low-confidence');
		const plant = combineLeaves([early, early, flat], THRESHOLDS, LABELS);
		expect(plant.index).toBe(1);
		expect(plant).toMatchObject({ abstained: true, reason: 'disagree' });
	});

	it('refuses leaves of another model, naming the leaf', () => {
		const ours = leaf([0.9, 0.05, 0.05]);
		const other = { ...leaf([0.9, 0.05, 0.05]), probabilities: [0.9, 0.1] };
		expect(() => combineLeaves([ours, other], THRESHOLDS, LABELS)).toThrow(
			/^Leaf 2 was diagnosed by another model \(2 probabilities for 3 labels/
		);
		const renamed = { ...ours, label: 'Apple___healthy' };
		expect(() => combineLeaves([renamed], THRESHOLDS, LABELS)).toThrow(/^Leaf 1 .*another model/);
		const kept = { ...ours, probabilities: undefined };
		expect(() => combineLeaves([ours, kept], THRESHOLDS, LABELS)).toThrow(/no probabilities/);
		expect(() => combineLeaves([], THRESHOLDS, LABELS)).toThrow('Expected at least one leaf');
	});
});
