/**
 * Top-k readout of a model's softmax output with its labels. For the ImageNet backbones the label
 * list has 1001 entries and index 0 is "background".
 */
import type { Prediction } from './classifier-dir';

/** One class of a top-k readout (ImageNet labels for the backbones). */
export interface TopKEntry {
	index: number;
	label: string;
	p: number;
}

/**
 * Parses a labels file: one label per line, either plain (`tench`) or indexed (`1:tench, Tinca tinca`,
 * the TF-slim format). Indexed lines must be in order from 0. Blank trailing lines are ignored.
 */
export function parseLabels(text: string): string[] {
	const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
	if (lines.length === 1 && lines[0] === '') throw new Error('The labels file is empty');
	const indexed = lines.every((line) => /^\d+:/.test(line));
	return lines.map((line, i) => {
		if (!indexed) return line.trim();
		const colon = line.indexOf(':');
		const index = Number(line.slice(0, colon));
		if (index !== i) throw new Error(`Expected label index ${i} on line ${i + 1}, got ${index}`);
		return line.slice(colon + 1).trim();
	});
}

/** The `k` most probable classes of one probability row, most probable first. */
export function topK(
	probabilities: ArrayLike<number>,
	labels: readonly string[],
	k = 5
): TopKEntry[] {
	if (!Number.isInteger(k) || k <= 0)
		throw new Error(`Expected k to be a positive integer, got ${k}`);
	if (probabilities.length !== labels.length) {
		throw new Error(
			`Expected one label per class: ${probabilities.length} probabilities, ${labels.length} labels`
		);
	}
	const order = Array.from({ length: probabilities.length }, (_, i) => i);
	order.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
	return order
		.slice(0, Math.min(k, order.length))
		.map((index) => ({ index, label: labels[index]!, p: probabilities[index]! }));
}

/** Splits a flat `[N*C]` softmax output into per-image top-k lists. */
export function topKBatch(
	probabilities: ArrayLike<number>,
	classes: number,
	labels: readonly string[],
	k = 5
): TopKEntry[][] {
	if (!Number.isInteger(classes) || classes <= 0 || probabilities.length % classes !== 0) {
		throw new Error(`Expected a multiple of ${classes} probabilities, got ${probabilities.length}`);
	}
	const rows: TopKEntry[][] = [];
	for (let start = 0; start < probabilities.length; start += classes) {
		rows.push(
			topK(Array.prototype.slice.call(probabilities, start, start + classes) as number[], labels, k)
		);
	}
	return rows;
}

/** One class of a ranked row. */
export interface RankedClass {
	index: number;
	label: string;
	probability: number;
}

/** The "not sure" thresholds every answer reads (the model's manifest.abstention). */
export interface AnswerThresholds {
	minConfidence: number;
	maxNovelty: number;
}

/** What else makes an answer "not sure", checked after novelty and before confidence. */
export interface NotSureCauses {
	/** A plant's leaves named different classes. */
	disagree?: boolean;
	/** The photo does not look like the crop the answer is restricted to. */
	otherCrop?: boolean;
}

/**
 * The answer for one photo from its ranked row (most probable first, as `rankedRow` gives, maybe
 * filtered), its calibrated `probabilities` (label order) and novelty score: the one shape and the
 * one "not sure" rule that `decide`, several leaves and a crop's answer all use. Why "not sure", in
 * this order: unfamiliar (novelty above maxNovelty, or not a number), disagree, other-crop,
 * low-confidence (confidence below minConfidence, or not a number).
 */
export function answerOf(
	row: RankedClass[],
	probabilities: number[],
	novelty: number,
	thresholds: AnswerThresholds,
	topK: number,
	causes: NotSureCauses = {}
): Prediction {
	const best = row[0]!;
	// A score that is no number (a damaged model) is never answered: as `answered` counts it.
	const reason: Prediction['reason'] =
		!Number.isFinite(novelty) || novelty > thresholds.maxNovelty
			? 'unfamiliar'
			: causes.disagree
				? 'disagree'
				: causes.otherCrop
					? 'other-crop'
					: !Number.isFinite(best.probability) || best.probability < thresholds.minConfidence
						? 'low-confidence'
						: null;
	return {
		index: best.index,
		label: best.label,
		confidence: best.probability,
		top: row.slice(0, topK),
		probabilities,
		novelty,
		abstained: reason !== null,
		reason
	};
}

/** Every class of one calibrated probability row (in `labels` order), most probable first. */
export function rankedRow(
	probabilities: readonly number[],
	labels: readonly string[]
): RankedClass[] {
	return probabilities
		.map((probability, index) => ({ index, label: labels[index]!, probability }))
		.sort((a, b) => b.probability - a.probability);
}
