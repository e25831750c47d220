/**
 * Classification metrics on logits or probabilities, as plain JSON-serialisable objects:
 * accuracy, top-3, macro-F1, per-class precision/recall/F1, the confusion matrix and the expected
 * calibration error (15 equal-width confidence bins, Guo et al. 2017).
 */

/** Row `i` of [N × C] logits at temperature T: its maximum and the sum of exp(logit / T − max). */
export function rowExpSum(
	logits: Float32Array,
	i: number,
	numClasses: number,
	temperature: number
): { max: number; sum: number } {
	let max = -Infinity;
	for (let j = 0; j < numClasses; j++)
		max = Math.max(max, logits[i * numClasses + j]! / temperature);
	let sum = 0;
	for (let j = 0; j < numClasses; j++)
		sum += Math.exp(logits[i * numClasses + j]! / temperature - max);
	return { max, sum };
}

/** Row-wise softmax of [N × C] logits at temperature T. */
export function softmax(logits: Float32Array, numClasses: number, temperature = 1): Float32Array {
	const out = new Float32Array(logits.length);
	for (let i = 0; i < logits.length / numClasses; i++) {
		const { max, sum } = rowExpSum(logits, i, numClasses, temperature);
		for (let j = 0; j < numClasses; j++)
			out[i * numClasses + j] = Math.exp(logits[i * numClasses + j]! / temperature - max) / sum;
	}
	return out;
}

export interface ClassMetrics {
	label: string;
	precision: number;
	recall: number;
	f1: number;
	support: number;
}

export interface Metrics {
	count: number;
	accuracy: number;
	top3: number;
	macroF1: number;
	/** Expected calibration error with 15 bins, in [0, 1]. */
	ece: number;
	/** Mean negative log-likelihood. */
	nll: number;
	perClass: ClassMetrics[];
	/** confusion[true][predicted]. */
	confusion: number[][];
}

/** The largest entry of row `row` of an [N × C] array, and its column (the first on ties). */
export function rowMax(
	values: ArrayLike<number>,
	numClasses: number,
	row: number
): { index: number; value: number } {
	let index = 0;
	let value = -Infinity;
	for (let j = 0; j < numClasses; j++) {
		const v = values[row * numClasses + j]!;
		if (v > value) {
			value = v;
			index = j;
		}
	}
	return { index, value };
}

/** Expected calibration error of max-probability confidences, `bins` equal-width bins. */
export function expectedCalibrationError(
	probs: Float32Array,
	labels: Int32Array,
	numClasses: number,
	bins = 15
): number {
	const conf = new Float64Array(bins);
	const acc = new Float64Array(bins);
	const count = new Float64Array(bins);
	for (let i = 0; i < labels.length; i++) {
		const { index: arg, value: max } = rowMax(probs, numClasses, i);
		const b = Math.min(bins - 1, Math.floor(max * bins));
		conf[b]! += max;
		acc[b]! += arg === labels[i] ? 1 : 0;
		count[b]! += 1;
	}
	let ece = 0;
	for (let b = 0; b < bins; b++) {
		if (count[b]! > 0) ece += Math.abs(acc[b]! - conf[b]!) / labels.length;
	}
	return ece;
}

/** All metrics from probabilities [N × C] (use softmax() on logits first). */
export function computeMetrics(
	probs: Float32Array,
	labels: Int32Array,
	classLabels: readonly string[]
): Metrics {
	const c = classLabels.length;
	const n = labels.length;
	if (probs.length !== n * c)
		throw new Error(`Expected ${n}×${c} probabilities, got ${probs.length}`);
	const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
	let correct = 0;
	let top3 = 0;
	let nll = 0;
	for (let i = 0; i < n; i++) {
		const y = labels[i]!;
		const row = probs.subarray(i * c, (i + 1) * c);
		let arg = 0;
		for (let j = 1; j < c; j++) if (row[j]! > row[arg]!) arg = j;
		confusion[y]![arg]! += 1;
		if (arg === y) correct++;
		// Rank of the true class: number of classes with a strictly higher probability.
		let higher = 0;
		for (let j = 0; j < c; j++) if (row[j]! > row[y]!) higher++;
		if (higher < 3) top3++;
		nll -= Math.log(Math.max(row[y]!, 1e-12));
	}
	const perClass: ClassMetrics[] = classLabels.map((label, k) => {
		const tp = confusion[k]![k]!;
		const support = confusion[k]!.reduce((a, b) => a + b, 0);
		const predicted = confusion.reduce((a, r) => a + r[k]!, 0);
		const precision = predicted > 0 ? tp / predicted : 0;
		const recall = support > 0 ? tp / support : 0;
		const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
		return { label, precision, recall, f1, support };
	});
	// Macro-F1 over the classes present in the labels (absent classes would add meaningless zeros).
	const present = perClass.filter((m) => m.support > 0);
	return {
		count: n,
		accuracy: n ? correct / n : 0,
		top3: n ? top3 / n : 0,
		macroF1: present.length ? present.reduce((a, m) => a + m.f1, 0) / present.length : 0,
		ece: expectedCalibrationError(probs, labels, c),
		nll: n ? nll / n : 0,
		perClass,
		confusion
	};
}
