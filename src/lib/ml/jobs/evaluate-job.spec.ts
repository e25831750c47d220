import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { ClassifierModel } from '../classifier-dir';
import type { CropExpert } from '../expert';
import type { ClassifierManifest } from '../model-dir';
import { cropReportFor, misclassifiedRows, scoreRows, type Scores } from './evaluate-job';

/** 40 photos of class 0, every fourth right: 30 wrong, some unsure, row 1 novel. */
function scoresOf(): Scores {
	const n = 40;
	const logits = new Float32Array(n * 2);
	const novelty = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		const right = i % 4 === 0;
		logits.set(right ? [2, 0] : [0, i % 2 ? 2 : 0.4], i * 2);
	}
	novelty[1] = 5;
	return { logits, novelty, labels: new Int32Array(n) };
}

const manifest = {
	labels: ['Tomato___healthy', 'Tomato___Leaf_Mold'],
	temperature: 2,
	abstention: {
		minConfidence: 0.7,
		maxNovelty: 1,
		coverage: 0.9,
		selectiveAccuracy: 0.95,
		shrinkage: 0.1
	}
};

describe('scoreRows', () => {
	it('leaks no tensor when scoring fails (a head that cannot score the rows)', async () => {
		await tf.setBackend('cpu');
		const broken = {
			manifest: { labels: ['a', 'b'], head: { hiddenUnits: 0 } },
			weights: []
		} as unknown as ClassifierModel;
		const rows = { x: new Float32Array(6), rowShape: [3], labels: new Int32Array(2) };
		const before = tf.memory().numTensors;
		await expect(scoreRows(tf, broken, rows)).rejects.toThrow(/has no weight/);
		expect(tf.memory().numTensors).toBe(before);
	});
});

describe('misclassifiedRows', () => {
	it('lists every wrong row in order, with its calibrated confidence and the "not sure" rule', () => {
		const rows = misclassifiedRows(scoresOf(), manifest);
		expect(rows).toHaveLength(30);
		expect(rows.map((r) => r.row)).toEqual(
			Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 4 !== 0)
		);
		expect(rows.every((r) => r.predicted === 1)).toBe(true);
		// Logits [0, 2] at temperature 2: e / (1 + e), answered unless too novel.
		const sure = Math.E / (1 + Math.E);
		expect(rows[0]).toEqual({
			row: 1,
			predicted: 1,
			confidence: expect.closeTo(sure, 6),
			notSure: true
		});
		expect(rows[2]).toEqual({
			row: 3,
			predicted: 1,
			confidence: expect.closeTo(sure, 6),
			notSure: false
		});
		// Logits [0, 0.4]: 0.55, under the threshold.
		const unsure = 1 / (1 + Math.exp(-0.2));
		expect(rows[1]).toEqual({
			row: 2,
			predicted: 1,
			confidence: expect.closeTo(unsure, 6),
			notSure: true
		});
	});

	it('lists nothing when every photo is right', () => {
		const scores = scoresOf();
		scores.labels.fill(1);
		scores.logits.fill(0);
		for (let i = 0; i < 40; i++) scores.logits[i * 2 + 1] = 1;
		expect(misclassifiedRows(scores, manifest)).toEqual([]);
	});
});

describe('cropReportFor', () => {
	const labels = [
		'Apple___Apple_scab',
		'Apple___Black_rot',
		'Apple___healthy',
		'Tomato___Early_blight',
		'Tomato___healthy'
	];
	const cropManifest = {
		labels,
		temperature: 1,
		abstention: { minConfidence: 0.5, maxNovelty: 1 }
	} as unknown as ClassifierManifest;
	// Apple photos of each class the model takes for black rot among apple; the last photo looks
	// like tomato (under the minimum crop mass on apple).
	const truth = [0, 1, 2, 0, 2];
	const rows = [...truth.slice(0, 4).map(() => [1, 2, 1, -5, -5]), [-5, -5, -5, 3, 3]];
	const features = Float32Array.from(truth.flatMap((y) => [0, 1, 2].map((k) => (k === y ? 1 : 0))));
	const scores: Scores = {
		logits: Float32Array.from(rows.flat()),
		novelty: new Float32Array(truth.length),
		labels: Int32Array.from(truth),
		features
	};
	// An expert over apple's three classes that reads the true class off the features, alone in the mix.
	const expert: CropExpert = {
		crop: 'Apple',
		classes: [0, 1, 2],
		weight: 1,
		mean: new Float32Array(3),
		scale: new Float32Array([1, 1, 1]),
		kernel: Float32Array.from([10, 0, 0, 0, 10, 0, 0, 0, 10]),
		bias: new Float32Array(3)
	};

	it('answers among the crop as predict --crop does: renormalised, other-crop said, its expert mixed in', () => {
		const alone = cropReportFor({ manifest: cropManifest }, scores, 'apple');
		expect(alone.crop).toBe('Apple');
		expect(alone.classes).toEqual(labels.slice(0, 3));
		expect(alone.expert).toBe(false);
		// Black rot for every apple photo (1 of 5 right); the tomato-like one, apple's classes
		// evenly, is answered as the first and "not sure": other-crop.
		expect(alone.report.metrics.accuracy).toBeCloseTo(1 / 5, 6);
		expect(alone.reasons).toEqual({ unfamiliar: 0, 'other-crop': 1, 'low-confidence': 0 });
		expect(alone.report.abstention).toEqual({
			coverage: 0.8,
			selectiveAccuracy: 0.25,
			abstained: 1
		});
		// No probability left on tomato, calibrated or not.
		expect(
			alone.report.metrics.confusion
				.flat()
				.slice(3 * 5)
				.every((n) => n === 0)
		).toBe(true);
		const mixed = cropReportFor({ manifest: cropManifest, experts: [expert] }, scores, 'Apple');
		expect(mixed.expert).toBe(true);
		expect(mixed.report.metrics.accuracy).toBe(1);
		expect(mixed.reasons['other-crop']).toBe(1);
		expect(mixed.report.abstention).toEqual({ coverage: 0.8, selectiveAccuracy: 1, abstained: 1 });
		// The uncalibrated figures are the model's alone (no expert), renormalised over the crop.
		expect(mixed.report.uncalibrated).toEqual(alone.report.uncalibrated);
		expect(mixed.report.uncalibrated.nll).toBeGreaterThan(mixed.report.metrics.nll);
	});

	it("refuses photos of another crop's classes, and an expert without the features", () => {
		const withTomato = { ...scores, labels: Int32Array.from([0, 1, 2, 3, 4]) };
		expect(() => cropReportFor({ manifest: cropManifest }, withTomato, 'Apple')).toThrow(
			"The photos include Tomato___Early_blight, Tomato___healthy, not classes of Apple: score that crop's photos only"
		);
		const bare: Scores = { ...scores, features: undefined };
		expect(() =>
			cropReportFor({ manifest: cropManifest, experts: [expert] }, bare, 'Apple')
		).toThrow('The Apple expert needs the features');
		expect(() => cropReportFor({ manifest: cropManifest }, scores, 'Mango')).toThrow(/Mango/);
	});
});
