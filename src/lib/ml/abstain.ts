/**
 * The "not sure" rule. A photo is answered only when both
 *  - the calibrated max-softmax confidence is at least `minConfidence`, and
 *  - its novelty score is at most `maxNovelty`.
 * Two novelty scores exist:
 *  - 'logit-knn' (default): cosine distance of the L2-normalised head logits to the nearest of a few
 *    k-means prototypes per class of the training photos' logits — the k-nearest-neighbour score of
 *    Sun et al. 2022, in the one space here that was trained on leaves (the frozen ImageNet features
 *    barely separate unseen PlantVillage classes; see bench/results/train-accuracy.md);
 *  - 'mahalanobis': the distance to the nearest class mean of the backbone features under a shared,
 *    shrinkage-regularised covariance (Lee et al. 2018); catches photos far from everything seen;
 *  - 'block-knn' (multiscale tap): the same k-NN score on the logits of a second linear head trained
 *    on the earlier blocks' averages only (block-novelty.ts). The late, ImageNet-tuned layers map an
 *    unseen leaf disease onto a known one; the mid-level texture features keep them apart
 *    (bench/results/train-accuracy.md: 64% → 80%+ of unseen-class photos flagged).
 * Softmax confidence alone is overconfident on unseen classes. Both thresholds are chosen on
 * validation data for a target coverage.
 */
import type * as TF from '@tensorflow/tfjs';
import { Prng } from './prng';
import { rowMax } from './evaluate';

/** Everything needed to score Mahalanobis novelty: class means and the whitening W = L⁻¹ (Σ = L Lᵀ). */
export interface MahalanobisNovelty {
	kind?: 'mahalanobis';
	dim: number;
	/**
	 * Rows of `means`: the classes that had training rows (a class without any has no mean to be
	 * near, so it takes no part in the nearest-mean distance; the model's label count otherwise).
	 */
	numClasses: number;
	/** [numClasses × D] means of the training features of the classes that had rows, in class order. */
	means: Float32Array;
	/** [D × D] lower-triangular W with Σ⁻¹ = Wᵀ W, so d²(x, μ) = ‖W (x − μ)‖². */
	whitening: Float32Array;
	shrinkage: number;
}

/** k-NN novelty on L2-normalised head logits: [P × C] unit-length prototypes, `perClass` per class. */
export interface LogitKnnNovelty {
	kind: 'logit-knn';
	/** Number of classes = length of a logit row. */
	dim: number;
	numClasses: number;
	/** Upper bound of prototypes per class (a class with fewer photos keeps one per photo). */
	perClass: number;
	/** [P × dim] unit-length rows. */
	prototypes: Float32Array;
}

/**
 * k-NN novelty on the logits of a linear "novelty head" over the first `inputDim` feature columns
 * (the multiscale tap's earlier blocks), standardised: logits = ((x − mean) ⊙ scale) · kernel + bias.
 */
export interface BlockKnnNovelty {
	kind: 'block-knn';
	/** Leading feature columns the novelty head reads. */
	inputDim: number;
	numClasses: number;
	/** [inputDim] column means and 1 / standard deviations of the training features. */
	mean: Float32Array;
	scale: Float32Array;
	/** [inputDim × C] and [C]. */
	kernel: Float32Array;
	bias: Float32Array;
	/** The logit k-NN model over the novelty head's logits. */
	knn: LogitKnnNovelty;
}

export type NoveltyModel = MahalanobisNovelty | LogitKnnNovelty | BlockKnnNovelty;

export interface AbstainThresholds {
	minConfidence: number;
	maxNovelty: number;
	/** Fraction of the validation set answered with these thresholds. */
	coverage: number;
	/** Accuracy on the answered validation photos. */
	selectiveAccuracy: number;
}

/** In-place Cholesky factorisation of a symmetric positive definite [D × D] matrix (lower). */
function cholesky(a: Float64Array, d: number): Float64Array {
	const l = new Float64Array(d * d);
	for (let j = 0; j < d; j++) {
		let sum = a[j * d + j]!;
		for (let k = 0; k < j; k++) sum -= l[j * d + k]! ** 2;
		if (!(sum > 0))
			throw new Error(
				`Covariance is not positive definite at column ${j}; raise abstain.shrinkage`
			);
		const ljj = Math.sqrt(sum);
		l[j * d + j] = ljj;
		for (let i = j + 1; i < d; i++) {
			let s = a[i * d + j]!;
			for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
			l[i * d + j] = s / ljj;
		}
	}
	return l;
}

/** Inverse of a lower-triangular matrix (itself lower-triangular), by forward substitution. */
function invertLower(l: Float64Array, d: number): Float32Array {
	const inv = new Float64Array(d * d);
	for (let j = 0; j < d; j++) {
		inv[j * d + j] = 1 / l[j * d + j]!;
		for (let i = j + 1; i < d; i++) {
			let s = 0;
			for (let k = j; k < i; k++) s += l[i * d + k]! * inv[k * d + j]!;
			inv[i * d + j] = -s / l[i * d + i]!;
		}
	}
	return Float32Array.from(inv);
}

/**
 * Fits class means and the shared covariance Σ = (1 − α) S + α (tr S / D) I of the training
 * features; S is the pooled within-class covariance, the mean over all N rows of (x − μ_y)(x − μ_y)ᵀ
 * with μ_y the row's class mean (divided by N, not N − C). The D×D products run on TF.js. A class
 * with no training rows keeps no mean (a mean of zeros would make a blank photo's features the most
 * familiar of all).
 *
 * @throws Error when there are no rows (no class to be near) or a label is not a class index.
 */
export async function fitNovelty(
	tf: typeof TF,
	features: Float32Array,
	labels: Int32Array,
	numClasses: number,
	shrinkage: number
): Promise<MahalanobisNovelty> {
	const n = labels.length;
	const dim = features.length / n;
	if (n === 0)
		throw new Error('Cannot fit novelty without training rows: no class has a mean to be near');
	if (!Number.isInteger(dim))
		throw new Error(`Expected N×D features for ${n} labels, got ${features.length}`);
	if (!(shrinkage >= 0 && shrinkage <= 1))
		throw new Error(`Expected shrinkage in [0, 1], got ${shrinkage}`);
	const bad = labels.findIndex((y) => !(y >= 0 && y < numClasses));
	if (bad >= 0)
		throw new Error(`Expected labels in [0, ${numClasses}), got ${labels[bad]} at row ${bad}`);
	const { sums, counts } = sumByGroup(features, dim, labels, numClasses);
	const classMeans = new Float32Array(numClasses * dim);
	for (let c = 0; c < numClasses; c++) {
		if (counts[c]! > 0)
			for (let k = 0; k < dim; k++) classMeans[c * dim + k] = sums[c * dim + k]! / counts[c]!;
	}
	const centered = new Float32Array(features.length);
	for (let i = 0; i < n; i++) {
		const y = labels[i]!;
		for (let k = 0; k < dim; k++)
			centered[i * dim + k] = features[i * dim + k]! - classMeans[y * dim + k]!;
	}
	// The means of the classes with rows only: a class without any is left out of the minimum.
	const present = Array.from(counts.keys()).filter((c) => counts[c]! > 0);
	const means = new Float32Array(present.length * dim);
	present.forEach((c, row) => means.set(classMeans.subarray(c * dim, (c + 1) * dim), row * dim));
	const cov = tf.tidy(() => {
		const z = tf.tensor2d(centered, [n, dim]);
		// Transposed by hand: wasm's matMul with a transpose flag is ~10× slower (train.ts matMulFast).
		return tf.div(tf.matMul(tf.transpose(z), z), n);
	});
	const s = Float64Array.from((await cov.data()) as Float32Array);
	cov.dispose();
	let trace = 0;
	for (let k = 0; k < dim; k++) trace += s[k * dim + k]!;
	const ridge = (shrinkage * trace) / dim;
	for (let i = 0; i < s.length; i++) s[i]! *= 1 - shrinkage;
	// A tiny floor keeps the factorisation defined when shrinkage is 0 and S is singular (N < D).
	const floor = 1e-6 * (trace / dim || 1);
	for (let k = 0; k < dim; k++) s[k * dim + k]! += ridge + floor;
	const whitening = invertLower(cholesky(s, dim), dim);
	return { dim, numClasses: present.length, means, whitening, shrinkage };
}

/**
 * Squared Mahalanobis distance of each row to its nearest class mean (the classes that had
 * training rows: fitNovelty keeps no mean for the others).
 *
 * @throws Error when the model has no class mean.
 */
export async function noveltyScores(
	tf: typeof TF,
	model: MahalanobisNovelty,
	features: Float32Array,
	batchSize = 512
): Promise<Float32Array> {
	if (model.numClasses === 0)
		throw new Error('The novelty model has no class mean (no class had training rows)');
	const n = features.length / model.dim;
	const out = new Float32Array(n);
	// y = x · Wᵀ and y · (M Wᵀ)ᵀ with the transposes done once, by hand: wasm's matMul with a
	// transpose flag is ~10× slower (train.ts matMulFast).
	const [wT, mwT, mNorm] = tf.tidy(() => {
		const wT = tf.transpose(tf.tensor2d(model.whitening, [model.dim, model.dim]));
		const mw = tf.matMul(tf.tensor2d(model.means, [model.numClasses, model.dim]), wT);
		return [wT, tf.transpose(mw), tf.sum(tf.square(mw), 1)];
	});
	try {
		for (let from = 0; from < n; from += batchSize) {
			const to = Math.min(n, from + batchSize);
			const d = tf.tidy(() => {
				const y = tf.matMul(
					tf.tensor2d(features.subarray(from * model.dim, to * model.dim), [to - from, model.dim]),
					wT
				);
				const dist = tf.add(
					tf.sub(tf.sum(tf.square(y), 1, true), tf.mul(2, tf.matMul(y, mwT))),
					mNorm
				);
				return tf.min(dist, 1);
			});
			out.set((await d.data()) as Float32Array, from);
			d.dispose();
		}
	} finally {
		tf.dispose([wT, mwT, mNorm]);
	}
	return out;
}

/** Rows of [N × dim] scaled to unit length (all-zero rows stay zero). */
export function l2NormalizeRows(x: Float32Array, dim: number): Float32Array {
	if (!(Number.isInteger(dim) && dim > 0 && x.length % dim === 0))
		throw new Error(`Expected rows of a positive dim dividing ${x.length}, got ${dim}`);
	const out = new Float32Array(x.length);
	for (let i = 0; i < x.length; i += dim) {
		let s = 0;
		for (let k = 0; k < dim; k++) s += x[i + k]! ** 2;
		const r = s > 0 ? 1 / Math.sqrt(s) : 0;
		for (let k = 0; k < dim; k++) out[i + k] = x[i + k]! * r;
	}
	return out;
}

/**
 * Spherical k-means (cosine similarity, unit-length centroids) of unit rows, seeded by `rng`:
 * the first centroids are `k` distinct rows in a seeded order, then `iterations` Lloyd steps.
 */
export function sphericalKMeans(
	rows: Float32Array,
	dim: number,
	k: number,
	rng: Prng,
	iterations = 10
): Float32Array {
	const n = rows.length / dim;
	if (n === 0) return new Float32Array(0);
	k = Math.min(k, n);
	const order = rng.permutation(n);
	const centroids = new Float32Array(k * dim);
	for (let j = 0; j < k; j++)
		centroids.set(rows.subarray(order[j]! * dim, (order[j]! + 1) * dim), j * dim);
	const assign = new Int32Array(n);
	for (let it = 0; it < iterations; it++) {
		for (let i = 0; i < n; i++) {
			let best = -Infinity;
			for (let j = 0; j < k; j++) {
				let s = 0;
				for (let t = 0; t < dim; t++) s += rows[i * dim + t]! * centroids[j * dim + t]!;
				if (s > best) {
					best = s;
					assign[i] = j;
				}
			}
		}
		const { sums, counts } = sumByGroup(rows, dim, assign, k);
		for (let j = 0; j < k; j++) {
			// An empty cluster keeps its previous centroid.
			if (counts[j] === 0) continue;
			let norm = 0;
			for (let t = 0; t < dim; t++) norm += sums[j * dim + t]! ** 2;
			norm = Math.sqrt(norm) || 1;
			for (let t = 0; t < dim; t++) centroids[j * dim + t] = sums[j * dim + t]! / norm;
		}
	}
	return centroids;
}

/**
 * Fits the logit k-NN novelty model: per class, `perClass` spherical k-means prototypes of the
 * L2-normalised training logits [N × C]. Small (P × C floats) and fast to score.
 */
export function fitLogitKnn(
	logits: Float32Array,
	labels: Int32Array,
	numClasses: number,
	perClass: number,
	seed = 0
): LogitKnnNovelty {
	const n = labels.length;
	if (n === 0 || logits.length !== n * numClasses)
		throw new Error(`Expected ${n}×${numClasses} logits, got ${logits.length}`);
	if (!(Number.isInteger(perClass) && perClass > 0))
		throw new Error(`Expected perClass to be a positive integer, got ${perClass}`);
	const unit = l2NormalizeRows(logits, numClasses);
	const rng = new Prng(seed ^ 0x4b4e);
	const parts: Float32Array[] = [];
	for (let c = 0; c < numClasses; c++) {
		const idx: number[] = [];
		for (let i = 0; i < n; i++) if (labels[i] === c) idx.push(i);
		const rows = new Float32Array(idx.length * numClasses);
		idx.forEach((r, i) =>
			rows.set(unit.subarray(r * numClasses, (r + 1) * numClasses), i * numClasses)
		);
		parts.push(sphericalKMeans(rows, numClasses, perClass, rng));
	}
	const prototypes = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
	let offset = 0;
	for (const p of parts) {
		prototypes.set(p, offset);
		offset += p.length;
	}
	return { kind: 'logit-knn', dim: numClasses, numClasses, perClass, prototypes };
}

/** Cosine distance (1 − cos) of each logit row [N × C] to its nearest prototype, in [0, 2]. */
export async function logitKnnScores(
	tf: typeof TF,
	model: LogitKnnNovelty,
	logits: Float32Array,
	batchSize = 1024
): Promise<Float32Array> {
	const d = model.dim;
	if (logits.length % d !== 0)
		throw new Error(`Expected rows of ${d} logits, got ${logits.length} values`);
	const n = logits.length / d;
	const out = new Float32Array(n);
	const unit = l2NormalizeRows(logits, d);
	// Transposed once, by hand: wasm's matMul with a transpose flag is ~10× slower (train.ts).
	const protosT = tf.tidy(() =>
		tf.transpose(tf.tensor2d(model.prototypes, [model.prototypes.length / d, d]))
	);
	try {
		for (let from = 0; from < n; from += batchSize) {
			const to = Math.min(n, from + batchSize);
			const best = tf.tidy(() =>
				tf.max(tf.matMul(tf.tensor2d(unit.subarray(from * d, to * d), [to - from, d]), protosT), 1)
			);
			const sims = (await best.data()) as Float32Array;
			best.dispose();
			for (let i = 0; i < sims.length; i++) out[from + i] = 1 - sims[i]!;
		}
	} finally {
		protosT.dispose();
	}
	return out;
}

/** The novelty head's logits [N × C] of features [N × D ≥ inputDim] (a tensor the caller owns). */
export function blockHeadLogits(
	tf: typeof TF,
	model: BlockKnnNovelty,
	features: TF.Tensor2D
): TF.Tensor2D {
	const d = model.inputDim;
	const cols = features.shape[1];
	if (cols < d)
		throw new Error(`Expected at least ${d} feature columns for the novelty head, got ${cols}`);
	return tf.tidy(() => {
		const x = tf.slice(features, [0, 0], [-1, d]);
		const z = tf.mul(tf.sub(x, tf.tensor1d(model.mean)), tf.tensor1d(model.scale));
		return tf.add(
			tf.matMul(z, tf.tensor2d(model.kernel, [d, model.numClasses])),
			tf.tensor1d(model.bias)
		) as TF.Tensor2D;
	});
}

/** Block k-NN novelty of features [N × D]: the logit k-NN score of the novelty head's logits. */
export async function blockKnnScores(
	tf: typeof TF,
	model: BlockKnnNovelty,
	features: TF.Tensor2D
): Promise<Float32Array> {
	const logits = blockHeadLogits(tf, model, features);
	const values = (await logits.data()) as Float32Array;
	logits.dispose();
	return logitKnnScores(tf, model.knn, values);
}

/** Per-group sums of rows [N × dim] and group sizes, for `groups` in [0, k). */
function sumByGroup(
	rows: ArrayLike<number>,
	dim: number,
	groups: ArrayLike<number>,
	k: number
): { sums: Float64Array; counts: Float64Array } {
	const sums = new Float64Array(k * dim);
	const counts = new Float64Array(k);
	for (let i = 0; i < groups.length; i++) {
		const g = groups[i]!;
		counts[g]! += 1;
		for (let t = 0; t < dim; t++) sums[g * dim + t]! += rows[i * dim + t]!;
	}
	return { sums, counts };
}

/** Max probability and argmax of each row of [N × C] probabilities. */
export function maxProbs(
	probs: Float32Array,
	numClasses: number
): { confidence: Float32Array; predicted: Int32Array } {
	const n = probs.length / numClasses;
	const confidence = new Float32Array(n);
	const predicted = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const { index, value } = rowMax(probs, numClasses, i);
		confidence[i] = value;
		predicted[i] = index;
	}
	return { confidence, predicted };
}

/** Whether each photo is answered under `t`. */
export function answered(
	confidence: Float32Array,
	novelty: Float32Array,
	t: Pick<AbstainThresholds, 'minConfidence' | 'maxNovelty'>
): boolean[] {
	return Array.from(confidence, (c, i) => c >= t.minConfidence && novelty[i]! <= t.maxNovelty);
}

/**
 * How many of `n` validation photos "not sure" sets aside so that `targetCoverage` of them is
 * answered. At least one whenever some are to be: below 1 / (1 − targetCoverage) photos (25 at
 * 0.96) the budget would round to none and "not sure" would never be said; never all of them.
 */
export function rejectionBudget(n: number, targetCoverage: number): number {
	const budget = (1 - targetCoverage) * n;
	// 1e-9: (1 − 0.8) × 10 is 1.9999999999999996 in floating point, and 2 photos are meant.
	return budget > 0 ? Math.min(n - 1, Math.max(1, Math.floor(budget + 1e-9))) : 0;
}

/** The least confidence answered that sets aside the `reject` least of `sorted` (ascending); 0 for none. */
export function confidenceCut(sorted: readonly number[], reject: number): number {
	return reject > 0 ? sorted[reject]! : 0;
}

/**
 * Chooses both thresholds on validation data so that `targetCoverage` of it is answered:
 * `noveltyShare` of the rejected budget goes to the most novel photos, the rest to the least
 * confident of the remaining ones. A small validation set answers less than `targetCoverage`
 * (one photo of it is set aside at the least) rather than never saying "not sure".
 */
export function chooseThresholds(
	val: {
		confidence: Float32Array;
		novelty: Float32Array;
		predicted: Int32Array;
		labels: Int32Array;
	},
	targetCoverage: number,
	noveltyShare: number
): AbstainThresholds {
	const n = val.labels.length;
	if (n === 0)
		throw new Error('Expected validation examples to choose abstention thresholds, got 0');
	const reject = rejectionBudget(n, targetCoverage);
	const byNovelty = Array.from(val.novelty).sort((a, b) => a - b);
	const rejectNovel = Math.min(reject, Math.round(reject * noveltyShare));
	// MAX_VALUE rather than Infinity: the thresholds are stored as JSON.
	const maxNovelty = rejectNovel > 0 ? byNovelty[n - rejectNovel - 1]! : Number.MAX_VALUE;
	const kept = Array.from(val.confidence)
		.filter((_, i) => val.novelty[i]! <= maxNovelty)
		.sort((a, b) => a - b);
	const minConfidence = confidenceCut(kept, reject - (n - kept.length));
	const t = { minConfidence, maxNovelty };
	const { coverage, selectiveAccuracy } = selective(
		answered(val.confidence, val.novelty, t),
		val.predicted,
		val.labels
	);
	return { ...t, coverage, selectiveAccuracy };
}

/** Share of photos answered, and the accuracy of those answers. */
export function selective(
	answeredMask: ArrayLike<boolean>,
	predicted: ArrayLike<number>,
	labels: ArrayLike<number>
): { coverage: number; selectiveAccuracy: number; abstained: number } {
	let count = 0;
	let correct = 0;
	for (let i = 0; i < labels.length; i++) {
		if (!answeredMask[i]) continue;
		count++;
		if (predicted[i] === labels[i]) correct++;
	}
	return {
		coverage: labels.length ? count / labels.length : 0,
		selectiveAccuracy: count ? correct / count : 0,
		abstained: labels.length - count
	};
}
