/**
 * Learning-rate schedule (linear warm-up, then cosine decay), label smoothing and class-balanced
 * loss weights: the small pieces of a training recipe, as pure functions.
 */
import type * as TF from '@tensorflow/tfjs';

export interface ScheduleOptions {
	baseLr: number;
	totalSteps: number;
	warmupSteps: number;
	cosine: boolean;
	/** The cosine ends at baseLr × minLrFactor. */
	minLrFactor: number;
}

/** The learning rate for optimizer step `step` (0-based). */
export function learningRateAt(step: number, o: ScheduleOptions): number {
	if (o.warmupSteps > 0 && step < o.warmupSteps) return (o.baseLr * (step + 1)) / o.warmupSteps;
	if (!o.cosine) return o.baseLr;
	const span = Math.max(1, o.totalSteps - o.warmupSteps);
	const t = Math.min(1, Math.max(0, (step - o.warmupSteps) / span));
	const min = o.baseLr * o.minLrFactor;
	return min + 0.5 * (o.baseLr - min) * (1 + Math.cos(Math.PI * t));
}

/** One-hot targets with label smoothing: (1 - ε) on the true class plus ε/C everywhere. */
export function smoothedOneHot(
	tf: typeof TF,
	labels: TF.Tensor1D,
	numClasses: number,
	smoothing: number
): TF.Tensor2D {
	return tf.tidy(() => {
		const oneHot = tf.oneHot(labels, numClasses).toFloat() as TF.Tensor2D;
		if (smoothing === 0) return oneHot;
		return tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / numClasses);
	});
}

/**
 * Per-class loss weights inversely proportional to class frequency, normalised so the average
 * weight over the training samples is 1 (the loss scale, and so the learning rate, stays comparable
 * to the unweighted loss). Classes absent from the training set get weight 0.
 */
export function classBalancedWeights(labels: Int32Array, numClasses: number): Float32Array {
	const counts = new Float64Array(numClasses);
	for (const y of labels) {
		if (y < 0 || y >= numClasses)
			throw new Error(`Expected labels in [0, ${numClasses}), got ${y}`);
		counts[y]! += 1;
	}
	const present = counts.filter((c) => c > 0).length;
	const weights = new Float32Array(numClasses);
	for (let c = 0; c < numClasses; c++) {
		weights[c] = counts[c]! > 0 ? labels.length / (present * counts[c]!) : 0;
	}
	return weights;
}

/**
 * Mean (optionally weighted) cross-entropy of logits against soft targets, computed with
 * log-softmax for numerical stability.
 */
export function softCrossEntropy(
	tf: typeof TF,
	logits: TF.Tensor2D,
	targets: TF.Tensor2D,
	sampleWeights?: TF.Tensor1D
): TF.Scalar {
	return tf.tidy(() => {
		const perSample = tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1));
		if (!sampleWeights) return tf.mean(perSample) as TF.Scalar;
		return tf.div(
			tf.sum(tf.mul(perSample, sampleWeights)),
			tf.maximum(tf.sum(sampleWeights), 1e-12)
		);
	});
}
