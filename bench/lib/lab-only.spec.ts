import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
	ARCHITECTURES,
	buildMobileNetV3,
	createFeatureExtractor,
	tapWidth
} from '../../src/lib/ml/mobilenet-v3';
import { cropsOf } from '../../src/lib/ml/crops';
import {
	answeredMask,
	evaluateRule,
	scoredOf,
	sliceColumns,
	tapColumns,
	type Scored
} from './lab-only';

tf.enableProdMode();
afterAll(() => tf.disposeVariables());

describe('tapColumns', () => {
	it('cuts the pooled and prelogits taps out of a multiscale row, as the extractors compute them', async () => {
		const model = buildMobileNetV3('mobilenet_v3_small_100_224');
		const arch = ARCHITECTURES.mobilenet_v3_small_100_224;
		const x = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 7);
		const rowsOf = async (tap: 'multiscale' | 'pooled' | 'prelogits') => {
			const y = createFeatureExtractor(model, tap).predict(x) as tf.Tensor;
			const data = (await y.data()) as Float32Array;
			y.dispose();
			return data;
		};
		const width = tapWidth(arch, 'multiscale');
		const multiscale = {
			x: await rowsOf('multiscale'),
			rowShape: [width],
			labels: new Int32Array(2)
		};
		for (const tap of ['pooled', 'prelogits'] as const) {
			const cols = tapColumns(arch, tap);
			expect(cols.to - cols.from).toBe(tapWidth(arch, tap));
			const sliced = sliceColumns(multiscale, width, cols);
			const direct = await rowsOf(tap);
			expect(sliced.rowShape).toEqual([tapWidth(arch, tap)]);
			const diff = Math.max(...Array.from(direct, (v, i) => Math.abs(v - sliced.x[i]!)));
			expect(diff).toBeLessThan(1e-4);
		}
		expect(tapColumns(arch, 'multiscale')).toEqual({ from: 0, to: width });
		x.dispose();
		model.dispose();
	});
});

describe('sliceColumns', () => {
	it('keeps the labels and names bad shapes', () => {
		const a = {
			x: Float32Array.from([1, 2, 3, 4, 5, 6]),
			rowShape: [3],
			labels: Int32Array.from([4, 5])
		};
		const s = sliceColumns(a, 3, { from: 1, to: 3 });
		expect(Array.from(s.x)).toEqual([2, 3, 5, 6]);
		expect(s.labels).toBe(a.labels);
		expect(() => sliceColumns(a, 4, { from: 0, to: 2 })).toThrow(
			'Expected 2 rows of 4 columns, got 6 values'
		);
		expect(() => sliceColumns(a, 3, { from: 2, to: 5 })).toThrow(
			'Expected columns within [0, 3), got [2, 5)'
		);
	});
});

describe('scoredOf, answeredMask and evaluateRule', () => {
	const names = ['Apple___scab', 'Apple___healthy', 'Corn___rust'];
	const apple = cropsOf(names)[0]!;
	// Photo 0: Corn on top, Apple___healthy second (crop given → healthy, mass ~0.27).
	// Photo 1: Apple___scab clearly. Photo 2: almost all Corn (crop mass < MIN_CROP_MASS), healthy
	// second.
	const logits = Float32Array.from([0, 1, 2, 3, 0, 0, -5, -4, 5]);
	const scored = (labels: number[], novelty: number[]): Scored =>
		scoredOf(
			{ logits, novelty: Float32Array.from(novelty), labels: Int32Array.from(labels) },
			names,
			1,
			apple
		);

	it('answers over all classes and among the crop, with the crop mass', () => {
		const s = scored([1, 0, 0], [0, 0, 0]);
		expect(Array.from(s.predicted)).toEqual([2, 0, 2]);
		expect(Array.from(s.cropPredicted)).toEqual([1, 0, 1]);
		const e = [Math.exp(0), Math.exp(1), Math.exp(2)];
		expect(s.cropMass[0]).toBeCloseTo((e[0]! + e[1]!) / (e[0]! + e[1]! + e[2]!), 5);
		expect(s.cropConfidence[0]).toBeCloseTo(e[1]! / (e[0]! + e[1]!), 5);
		expect(s.cropMass[2]).toBeLessThan(0.01);
		expect(() =>
			scoredOf({ logits, novelty: new Float32Array(2), labels: new Int32Array(3) }, names, 1, apple)
		).toThrow('Expected 3 rows of 3 logits and 3 novelty scores, got 9 and 2');
	});

	it('answers by the rule: novelty, confidence and, crop given, the crop mass', () => {
		const s = scored([1, 0, 1], [0, 0, 9]);
		const rule = { targetCoverage: 0.9, noveltyShare: 1, minConfidence: 0.5, maxNovelty: 1 };
		expect(answeredMask(s, rule, false)).toEqual([true, true, false]);
		expect(answeredMask(s, rule, true)).toEqual([true, true, false]);
		const open = { ...rule, maxNovelty: 10 };
		// Photo 2 is answered over all classes, but its apple mass is too small to answer crop given.
		expect(answeredMask(s, open, false)).toEqual([true, true, true]);
		expect(answeredMask(s, open, true)).toEqual([true, true, false]);

		const unknown = scored([0, 0, 0], [0, 9, 9]);
		const r = evaluateRule(
			{ fieldTrain: s, fieldVal: s, unknownTrain: unknown, unknownVal: unknown, pvTest: s },
			rule,
			true
		);
		expect(r.scope).toBe('crop given');
		// Crop given: photo 0 right (healthy), photo 1 right (scab), photo 2 right but not answered.
		expect([r.val.forced.k, r.val.answered.k, r.val.answeredCorrect.k]).toEqual([3, 2, 2]);
		expect([r.val.unknownFlagged.k, r.val.unknownFlagged.n]).toEqual([2, 3]);
		// PlantVillage test is measured over all classes: photo 0 answered Corn (wrong).
		expect([r.pvTest.forced.k, r.pvTest.answered.k, r.pvTest.answeredCorrect.k]).toEqual([1, 2, 1]);
	});
});
