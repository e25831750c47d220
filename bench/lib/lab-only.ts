/**
 * Pure helpers of bench/field-lab-only.ts and bench/field-finetune.ts: the columns of the
 * multiscale tap that each narrower tap is (block averages, then pooled, then prelogits;
 * mobilenet-v3.ts createFeatureExtractor), so one cached backbone pass serves every tap; and a
 * lab-only model's answers on field photos (any crop, and crop given as the app's crop choice)
 * under a "not sure" rule.
 */
import { maxProbs } from '../../src/lib/ml/abstain';
import { cropAnswer, MIN_CROP_MASS, type Crop } from '../../src/lib/ml/crops';
import { softmax } from '../../src/lib/ml/evaluate';
import type { TrainArrays } from '../../src/lib/ml/train';
import { flagged, summariseAnswers, type AnswerSummary, type Proportion } from './field';
import {
	multiscaleBlocks,
	type ArchitectureSpec,
	type FeatureTap
} from '../../src/lib/ml/mobilenet-v3';

/** [from, to) of `tap`'s columns within a multiscale row of `arch`. */
export function tapColumns(arch: ArchitectureSpec, tap: FeatureTap): { from: number; to: number } {
	const blocks = multiscaleBlocks(arch).reduce((sum, b) => sum + b.channels, 0);
	const { pooled, prelogits } = arch.featureDims;
	if (tap === 'multiscale') return { from: 0, to: blocks + pooled + prelogits };
	if (tap === 'pooled') return { from: blocks, to: blocks + pooled };
	return { from: blocks + pooled, to: blocks + pooled + prelogits };
}

/** Rows of `a` (each `width` wide) cut to the columns [from, to); the labels are shared. */
export function sliceColumns(
	a: TrainArrays,
	width: number,
	cols: { from: number; to: number }
): TrainArrays {
	const n = a.labels.length;
	if (a.x.length !== n * width)
		throw new Error(`Expected ${n} rows of ${width} columns, got ${a.x.length} values`);
	if (!(cols.from >= 0 && cols.from < cols.to && cols.to <= width))
		throw new Error(`Expected columns within [0, ${width}), got [${cols.from}, ${cols.to})`);
	if (cols.from === 0 && cols.to === width) return a;
	const d = cols.to - cols.from;
	const x = new Float32Array(n * d);
	for (let i = 0; i < n; i++)
		x.set(a.x.subarray(i * width + cols.from, i * width + cols.to), i * d);
	return { x, rowShape: [d], labels: a.labels };
}

/** Calibrated scores of one set: the any-crop answer and the answer among `crop`'s classes. */
export interface Scored {
	labels: Int32Array;
	novelty: Float32Array;
	confidence: Float32Array;
	predicted: Int32Array;
	/** Among the crop's classes (crops.ts): the class, its renormalised probability, the crop mass. */
	cropPredicted: Int32Array;
	cropConfidence: Float32Array;
	cropMass: Float32Array;
	/** [N × C] head logits. */
	logits: Float32Array;
}

/** Scored from a model's logits [N × C] and novelty scores [N] (evaluate-job scoreRows). */
export function scoredOf(
	s: { logits: Float32Array; novelty: Float32Array; labels: Int32Array },
	labels: readonly string[],
	temperature: number,
	crop: Crop
): Scored {
	const c = labels.length;
	const n = s.labels.length;
	if (s.logits.length !== n * c || s.novelty.length !== n)
		throw new Error(
			`Expected ${n} rows of ${c} logits and ${n} novelty scores, got ${s.logits.length} and ${s.novelty.length}`
		);
	const probs = softmax(s.logits, c, temperature);
	const { confidence, predicted } = maxProbs(probs, c);
	const cropPredicted = new Int32Array(n);
	const cropConfidence = new Float32Array(n);
	const cropMass = new Float32Array(n);
	const open = { minConfidence: 0, maxNovelty: Number.MAX_VALUE, minCropMass: 0 };
	for (let i = 0; i < n; i++) {
		const row = Array.from(probs.subarray(i * c, (i + 1) * c), (p, j) =>
			crop.classes.includes(j) ? p : 0
		);
		const a = cropAnswer(row, labels, crop, s.novelty[i]!, open, 1);
		cropPredicted[i] = a.index;
		cropConfidence[i] = a.confidence;
		cropMass[i] = a.crop!.mass;
	}
	return {
		labels: s.labels,
		logits: s.logits,
		novelty: s.novelty,
		confidence,
		predicted,
		cropPredicted,
		cropConfidence,
		cropMass
	};
}

/** A "not sure" rule: the thresholds chosen on PlantVillage val for targetCoverage × noveltyShare. */
export interface Rule {
	targetCoverage: number;
	noveltyShare: number;
	minConfidence: number;
	maxNovelty: number;
}

/** The app's rules: any crop (decide()) and crop given (cropAnswer with MIN_CROP_MASS). */
export function answeredMask(
	s: Scored,
	r: Pick<Rule, 'minConfidence' | 'maxNovelty'>,
	crop: boolean
): boolean[] {
	return Array.from(s.labels, (_, i) =>
		crop
			? s.novelty[i]! <= r.maxNovelty &&
				s.cropMass[i]! >= MIN_CROP_MASS &&
				s.cropConfidence[i]! >= r.minConfidence
			: s.novelty[i]! <= r.maxNovelty && s.confidence[i]! >= r.minConfidence
	);
}

/** Forced top-1, answered and accuracy of the answers of `s` under `mask`. */
export function measureSet(s: Scored, mask: boolean[], crop: boolean): AnswerSummary {
	return summariseAnswers({
		predicted: crop ? s.cropPredicted : s.predicted,
		labels: s.labels,
		answered: mask
	});
}

/** The scored sets a rule is measured on: dev (field train), val, their unknown diseases, PV test. */
export interface RuleSets {
	fieldTrain: Scored;
	fieldVal: Scored;
	unknownTrain: Scored;
	unknownVal: Scored;
	pvTest: Scored;
}

export interface RuleResult {
	rule: Rule;
	scope: 'any crop' | 'crop given';
	dev: AnswerSummary & { unknownFlagged: Proportion };
	val: AnswerSummary & { unknownFlagged: Proportion };
	pvTest: AnswerSummary;
}

/** One rule on every set, any crop or crop given (PlantVillage test always over all classes). */
export function evaluateRule(scores: RuleSets, rule: Rule, crop: boolean): RuleResult {
	const on = (s: Scored) => measureSet(s, answeredMask(s, rule, crop), crop);
	const unk = (s: Scored) => flagged(answeredMask(s, rule, crop));
	return {
		rule,
		scope: crop ? 'crop given' : 'any crop',
		dev: { ...on(scores.fieldTrain), unknownFlagged: unk(scores.unknownTrain) },
		val: { ...on(scores.fieldVal), unknownFlagged: unk(scores.unknownVal) },
		// PlantVillage test with the same rule over all classes (its photos are of every crop).
		pvTest: measureSet(scores.pvTest, answeredMask(scores.pvTest, rule, false), false)
	};
}
