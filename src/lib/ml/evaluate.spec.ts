import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	answered,
	chooseThresholds,
	fitLogitKnn,
	fitNovelty,
	l2NormalizeRows,
	logitKnnScores,
	maxProbs,
	noveltyScores,
	rejectionBudget,
	sphericalKMeans
} from './abstain';
import { fitTemperature, nllAt } from './calibration';
import { computeMetrics, expectedCalibrationError, softmax } from './evaluate';
import { Prng } from './prng';

describe('computeMetrics', () => {
	it('matches hand-counted values on a small confusion', () => {
		// 3 classes; true labels and one-hot-ish probabilities chosen by hand.
		const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
		const predicted = [0, 1, 1, 1, 2, 0];
		const probs = new Float32Array(18);
		predicted.forEach((p, i) => {
			for (let j = 0; j < 3; j++) probs[i * 3 + j] = j === p ? 0.8 : 0.1;
		});
		const m = computeMetrics(probs, labels, ['a', 'b', 'c']);
		expect(m.accuracy).toBeCloseTo(4 / 6);
		expect(m.top3).toBe(1);
		expect(m.confusion).toEqual([
			[1, 1, 0],
			[0, 2, 0],
			[1, 0, 1]
		]);
		// class a: precision 1/2, recall 1/2; b: 2/3, 1; c: 1, 1/2.
		expect(m.perClass[1]!.precision).toBeCloseTo(2 / 3);
		expect(m.perClass[2]!.recall).toBeCloseTo(1 / 2);
		const f1 = [0.5, 0.8, 2 / 3];
		expect(m.macroF1).toBeCloseTo((f1[0]! + f1[1]! + f1[2]!) / 3);
		// All confidences 0.8 in one bin; accuracy 4/6 → ECE = |0.667 - 0.8|.
		expect(m.ece).toBeCloseTo(Math.abs(4 / 6 - 0.8));
		expect(JSON.parse(JSON.stringify(m))).toEqual(m);
	});

	it('ECE is 0 for perfectly calibrated bins', () => {
		const probs = Float32Array.from([1, 0, 1, 0]);
		expect(expectedCalibrationError(probs, Int32Array.from([0, 0]), 2)).toBe(0);
	});
});

/**
 * An overconfident model by construction: labels are drawn from softmax(z), the model reports 3z,
 * so T = 3 is the true calibrating temperature.
 */
function overconfident(n: number, c: number, seed: number) {
	const rng = new Prng(seed);
	const logits = new Float32Array(n * c);
	const labels = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const z = Array.from({ length: c }, () => rng.normal() * 1.5);
		const p = softmax(Float32Array.from(z), c);
		let u = rng.next();
		let y = c - 1;
		for (let j = 0; j < c; j++) {
			u -= p[j]!;
			if (u < 0) {
				y = j;
				break;
			}
		}
		labels[i] = y;
		z.forEach((v, j) => (logits[i * c + j] = 3 * v));
	}
	return { logits, labels };
}

describe('temperature scaling', () => {
	it('finds the NLL minimum and lowers ECE of an overconfident model', () => {
		const { logits, labels } = overconfident(4000, 5, 3);
		const fit = fitTemperature(logits, labels, 5);
		expect(fit.temperature).toBeGreaterThan(2.5);
		expect(fit.temperature).toBeLessThan(3.5);
		expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
		for (const t of [fit.temperature * 0.9, fit.temperature * 1.1]) {
			expect(nllAt(logits, labels, 5, t)).toBeGreaterThan(fit.nllAfter);
		}
		const test = overconfident(4000, 5, 4);
		const before = expectedCalibrationError(softmax(test.logits, 5), test.labels, 5);
		const after = expectedCalibrationError(
			softmax(test.logits, 5, fit.temperature),
			test.labels,
			5
		);
		expect(after).toBeLessThan(before / 2);
		expect(after).toBeLessThan(0.03);
		expect(fit.bound).toBeUndefined();
	});

	it('leaves T at 1 for a validation split the model gets all right, and says so', () => {
		// Every row right: the NLL keeps falling as T → 0, which would make every answer 100%.
		const { logits } = overconfident(12, 4, 5);
		const labels = Int32Array.from({ length: 12 }, (_, i) => {
			const row = logits.subarray(i * 4, i * 4 + 4);
			return row.indexOf(Math.max(...row));
		});
		const fit = fitTemperature(logits, labels, 4);
		expect(fit).toMatchObject({ temperature: 1, bound: 'lower' });
		expect(fit.nllAfter).toBe(fit.nllBefore);
		// Logits that say nothing about the labels: flattened as far as the range allows.
		const flat = fitTemperature(
			logits,
			Int32Array.from(labels, (y) => (y + 1) % 4),
			4
		);
		expect(flat.bound).toBe('upper');
		expect(flat.temperature).toBeCloseTo(20, 2);
	});
});

function slice1<T extends Record<string, Float32Array | Int32Array>>(v: T): T {
	return Object.fromEntries(Object.entries(v).map(([k, a]) => [k, a.slice(0, 1)])) as T;
}

function gaussian(n: number, dim: number, centres: number[][], seed: number) {
	const rng = new Prng(seed);
	const x = new Float32Array(n * dim);
	const labels = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const c = i % centres.length;
		labels[i] = c;
		// Correlated noise: the first two dimensions share a component, which a plain Euclidean
		// distance would misjudge.
		const shared = rng.normal() * 2;
		for (let k = 0; k < dim; k++)
			x[i * dim + k] = centres[c]![k]! + rng.normal() * 0.5 + (k < 2 ? shared : 0);
	}
	return { x, labels };
}

/** x with A x = b, by Gaussian elimination with partial pivoting (A is not changed). */
function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
	const n = b.length;
	const m = a.map((row, i) => [...row, b[i]!]);
	for (let col = 0; col < n; col++) {
		let pivot = col;
		for (let r = col + 1; r < n; r++)
			if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
		[m[col], m[pivot]] = [m[pivot]!, m[col]!];
		for (let r = col + 1; r < n; r++) {
			const f = m[r]![col]! / m[col]![col]!;
			for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
		}
	}
	const out = new Array<number>(n).fill(0);
	for (let r = n - 1; r >= 0; r--) {
		let s = m[r]![n]!;
		for (let c = r + 1; c < n; c++) s -= m[r]![c]! * out[c]!;
		out[r] = s / m[r]![r]!;
	}
	return out;
}

describe('Mahalanobis novelty + abstention', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it.each([0, 0.3])(
		'matches a direct Mahalanobis computation from the data alone (shrinkage %s)',
		async (shrinkage) => {
			const dim = 4;
			const { x, labels } = gaussian(
				300,
				dim,
				[
					[0, 0, 0, 0],
					[3, 3, 0, 0]
				],
				1
			);
			const model = await fitNovelty(tf, x, labels, 2, shrinkage);
			// Class means and Σ = (1 − α) S + α (tr S / D) I from the data, in float64: S is the pooled
			// within-class covariance, each row's deviation from its own class mean, over N.
			const n = labels.length;
			const mu = [new Float64Array(dim), new Float64Array(dim)];
			const counts = [0, 0];
			labels.forEach((y, i) => {
				counts[y]!++;
				for (let k = 0; k < dim; k++) mu[y]![k]! += x[i * dim + k]!;
			});
			mu.forEach((m, c) => m.forEach((v, k) => (m[k] = v / counts[c]!)));
			const sigma = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
			labels.forEach((y, i) => {
				for (let j = 0; j < dim; j++)
					for (let k = 0; k < dim; k++)
						sigma[j]![k]! += ((x[i * dim + j]! - mu[y]![j]!) * (x[i * dim + k]! - mu[y]![k]!)) / n;
			});
			const trace = sigma.reduce((t, row, k) => t + row[k]!, 0);
			sigma.forEach((row, j) =>
				row.forEach(
					(v, k) => (row[k] = (1 - shrinkage) * v + (j === k ? (shrinkage * trace) / dim : 0))
				)
			);

			expect(model.numClasses).toBe(2);
			mu.forEach((m, c) => m.forEach((v, k) => expect(model.means[c * dim + k]).toBeCloseTo(v, 4)));
			// The whitening really inverts that covariance: Wᵀ W Σ ≈ I.
			const w = (i: number, j: number) => model.whitening[i * dim + j]!;
			for (let i = 0; i < dim; i++)
				for (let j = 0; j < dim; j++) {
					let v = 0;
					for (let a = 0; a < dim; a++)
						for (let b = 0; b < dim; b++) v += w(a, i) * w(a, b) * sigma[b]![j]!;
					expect(Math.abs(v - (i === j ? 1 : 0))).toBeLessThan(1e-3);
				}

			// The score: min over classes of dᵀ Σ⁻¹ d, with Σ⁻¹ d solved here, not through W.
			const point = Float32Array.from([1, -1, 0.5, 0]);
			const [score] = await noveltyScores(tf, model, point);
			const direct = mu.map((m) => {
				const d = Array.from(m, (v, k) => point[k]! - v);
				return solve(sigma, d).reduce((s, v, k) => s + v * d[k]!, 0);
			});
			expect(score).toBeCloseTo(Math.min(...direct), 2);
		}
	);

	it('flags most photos of an unseen cluster at ~95% coverage of known ones', async () => {
		const dim = 8;
		const centres = [0, 1, 2].map((c) => Array.from({ length: dim }, (_, k) => (k === c ? 4 : 0)));
		const trainSet = gaussian(600, dim, centres, 2);
		const valSet = gaussian(300, dim, centres, 3);
		const unseen = gaussian(
			100,
			dim,
			[Array.from({ length: dim }, (_, k) => (k === 5 ? 4 : 0))],
			4
		);
		const model = await fitNovelty(tf, trainSet.x, trainSet.labels, 3, 0.1);
		// Probabilities from a nearest-mean softmax, standing in for the head.
		const probsOf = (x: Float32Array) => {
			const n = x.length / dim;
			const logits = new Float32Array(n * 3);
			for (let i = 0; i < n; i++)
				for (let c = 0; c < 3; c++) {
					let d = 0;
					for (let k = 0; k < dim; k++) d += (x[i * dim + k]! - model.means[c * dim + k]!) ** 2;
					logits[i * 3 + c] = -d / 2;
				}
			return softmax(logits, 3);
		};
		const v = maxProbs(probsOf(valSet.x), 3);
		const t = chooseThresholds(
			{ ...v, novelty: await noveltyScores(tf, model, valSet.x), labels: valSet.labels },
			0.95,
			0.5
		);
		expect(t.coverage).toBeGreaterThanOrEqual(0.94);
		expect(t.coverage).toBeLessThanOrEqual(0.96);
		const u = maxProbs(probsOf(unseen.x), 3);
		const flags = answered(u.confidence, await noveltyScores(tf, model, unseen.x), t).filter(
			(a) => !a
		).length;
		expect(flags / 100).toBeGreaterThan(0.8);
		expect(JSON.parse(JSON.stringify(t))).toEqual(t);
	});

	it('says "not sure" on a validation set too small for its budget to round to a photo', () => {
		// 12 photos at 96%: 0.48 of a photo to set aside would round to none, and no threshold.
		const n = 12;
		const novelty = Float32Array.from({ length: n }, (_, i) => i / n);
		const confidence = Float32Array.from({ length: n }, (_, i) => 1 - i / (2 * n));
		const val = {
			confidence,
			novelty,
			predicted: new Int32Array(n),
			labels: new Int32Array(n)
		};
		const t = chooseThresholds(val, 0.96, 0.5);
		expect(t.maxNovelty).toBeLessThan(novelty[n - 1]!);
		expect(t.coverage).toBeCloseTo((n - 1) / n);
		expect(chooseThresholds(val, 0.96, 0).minConfidence).toBeGreaterThan(confidence[n - 1]!);
		// One photo: nothing to set aside it against.
		expect(chooseThresholds({ ...val, ...slice1(val) }, 0.96, 0.5).coverage).toBe(1);
	});

	it('sets aside the share asked for where floating point falls just short of a whole photo', () => {
		// (1 − 0.8) × 10 is 1.9999999999999996: two photos of ten are meant, not one.
		expect(rejectionBudget(10, 0.8)).toBe(2);
		expect(rejectionBudget(20, 0.85)).toBe(3);
		expect(rejectionBudget(10, 1)).toBe(0);
		const n = 10;
		const val = {
			confidence: Float32Array.from({ length: n }, (_, i) => 0.5 + i / 20),
			novelty: new Float32Array(n),
			predicted: new Int32Array(n),
			labels: new Int32Array(n)
		};
		expect(chooseThresholds(val, 0.8, 0).coverage).toBeCloseTo(0.8);
	});

	it('leaves a class without training rows out: a blank photo is not the most familiar', async () => {
		// Classes 0 and 1 have rows around 5 and 8; class 2 has none, so it has no mean (not zeros).
		const dim = 8;
		const rng = new Prng(1);
		const n = 200;
		const x = new Float32Array(n * dim);
		const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
		for (let i = 0; i < n; i++)
			for (let k = 0; k < dim; k++) x[i * dim + k] = 5 + 3 * labels[i]! + rng.normal() * 0.5;
		const model = await fitNovelty(tf, x, labels, 3, 0.1);
		const typical = (await noveltyScores(tf, model, x.subarray(0, dim)))[0]!;
		const [blank, far] = await noveltyScores(
			tf,
			model,
			Float32Array.from([...Array(dim).fill(0), ...Array(dim).fill(20)])
		);
		expect(blank).toBeGreaterThan(100 * typical);
		expect(far).toBeGreaterThan(100 * typical);
		// The saved shape is the means': only the classes with rows.
		expect(model.numClasses).toBe(2);
		expect(model.means.length).toBe(2 * dim);
		// Labels must be classes, and some class must have rows.
		await expect(
			fitNovelty(
				tf,
				x,
				Int32Array.from(labels, () => 3),
				3,
				0.1
			)
		).rejects.toThrow(/labels in \[0, 3\), got 3 at row 0/);
		await expect(fitNovelty(tf, new Float32Array(0), new Int32Array(0), 3, 0.1)).rejects.toThrow(
			/without training rows/
		);
		await expect(
			noveltyScores(tf, { ...model, numClasses: 0, means: new Float32Array(0) }, x)
		).rejects.toThrow(/no class mean/);
	});

	it('leaks no tensors', async () => {
		const { x, labels } = gaussian(
			100,
			4,
			[
				[0, 0, 0, 0],
				[2, 0, 0, 0]
			],
			5
		);
		const before = tf.memory().numTensors;
		const model = await fitNovelty(tf, x, labels, 2, 0.2);
		await noveltyScores(tf, model, x);
		expect(tf.memory().numTensors).toBe(before);
	});
});

describe('logit k-NN novelty', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it('normalises rows and keeps zero rows at zero', () => {
		const out = l2NormalizeRows(Float32Array.from([3, 4, 0, 0]), 2);
		expect(Array.from(out)).toEqual([0.6, 0.8, 0, 0].map((v) => Math.fround(v)));
		expect(() => l2NormalizeRows(new Float32Array(3), 2)).toThrow(/dim/);
	});

	it('spherical k-means finds two well-separated directions', () => {
		const rng = new Prng(3);
		const rows: number[] = [];
		for (let i = 0; i < 40; i++) {
			const base = i % 2 ? [1, 0, 0] : [0, 0, 1];
			const v = base.map((b) => b + rng.normal() * 0.05);
			const n = Math.hypot(...v);
			rows.push(...v.map((a) => a / n));
		}
		const c = sphericalKMeans(Float32Array.from(rows), 3, 2, new Prng(1));
		const dirs = [Array.from(c.subarray(0, 3)), Array.from(c.subarray(3, 6))].map((d) =>
			d.indexOf(Math.max(...d))
		);
		expect(dirs.sort()).toEqual([0, 2]);
		for (let j = 0; j < 2; j++)
			expect(Math.hypot(...c.subarray(j * 3, j * 3 + 3))).toBeCloseTo(1, 5);
	});

	it('scores training-like logits near 0 and logits between two classes high', async () => {
		const rng = new Prng(5);
		const c = 3;
		const n = 90;
		const logits = new Float32Array(n * c);
		const labels = new Int32Array(n);
		for (let i = 0; i < n; i++) {
			labels[i] = i % c;
			for (let j = 0; j < c; j++) logits[i * c + j] = (j === i % c ? 6 : 0) + rng.normal() * 0.5;
		}
		const model = fitLogitKnn(logits, labels, c, 4, 1);
		expect(model.prototypes.length).toBe(c * 4 * c);
		const before = tf.memory().numTensors;
		const [own, between] = await logitKnnScores(tf, model, Float32Array.from([7, 0.5, 0, 5, 5, 0]));
		expect(tf.memory().numTensors).toBe(before);
		// Direct: 1 − max cosine to the prototypes.
		const direct = (q: number[]) => {
			const qn = Math.hypot(...q);
			let best = -Infinity;
			for (let p = 0; p < model.prototypes.length / c; p++) {
				let s = 0;
				for (let j = 0; j < c; j++) s += (q[j]! / qn) * model.prototypes[p * c + j]!;
				best = Math.max(best, s);
			}
			return 1 - best;
		};
		expect(own).toBeCloseTo(direct([7, 0.5, 0]), 5);
		expect(between).toBeCloseTo(direct([5, 5, 0]), 5);
		expect(own!).toBeLessThan(0.02);
		expect(between!).toBeGreaterThan(0.08);
		expect(() => fitLogitKnn(logits, labels, c, 0)).toThrow(/perClass/);
	});
});
