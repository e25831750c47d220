/**
 * A crop expert: a linear head over one crop's classes (those the user has photos of, two or
 * more), trained on the user's own field photos alone, that sharpens the answer when the crop is
 * given. The adapted model (PlantVillage and the user's photos in one head over every class)
 * learns a few field photos per class slowly: at 10 per class it reached 63.0% on field `val` with
 * the crop given, where a head of those photos alone, standardised and held small by an L2
 * penalty, reached 70.1% (bench/results/field-expert-448-l2.md).
 *
 * The expert is mixed into the adapted model's answer (mixWithExpert): a weighted geometric mean
 * of the two distributions over the expert's classes. At weight 1 (the `adapt` preset's) the
 * expert alone ranks its classes; the adapted model always keeps what the expert cannot judge —
 * the novelty score ("unfamiliar disease": the expert never saw another disease), the crop's mass
 * ("that leaf is not this crop") and the mass on the expert's classes (against the crop's
 * others). The weight and the penalty (config adapt.expertWeight,
 * adapt.expertL2) were chosen on dev quarters of field `train` (bench/results/field-ensemble.md).
 *
 * Training needs TF.js (the app's own head and fit: Adam with an L2 penalty); using an expert is
 * plain arithmetic on one feature row, the same in Node and the worker.
 */
import type * as TF from '@tensorflow/tfjs';
import { confidenceCut, rejectionBudget } from './abstain';
import { resolveConfig } from './config';
import type { ClassifierModel, Prediction } from './classifier-dir';
import { ascendingWithin, cropsOf, findCrop, restrictToCrop, type Crop } from './crops';
import type { PlantThresholds } from './plant-answer';
import { Prng } from './prng';
import { createHead, fit, type TrainArrays } from './train';

/** One crop's expert: standardisation and a linear layer, as plain arrays (stored with the model). */
export interface CropExpert {
	/** The crop's name (crops.ts: the folder prefix, e.g. `Apple`). */
	crop: string;
	/** Two or more of the crop's classes, indices into the model's labels, ascending: its logits. */
	classes: number[];
	/** Its share of the mix with the model's answer (mixWithExpert). */
	weight: number;
	/** Per feature: the photos' mean, and 1 / (their spread + 1e-3). */
	mean: Float32Array;
	scale: Float32Array;
	/** [features × classes] row-major, and [classes]. */
	kernel: Float32Array;
	bias: Float32Array;
	/**
	 * "Not sure" below this top probability of the mix, in place of the model's minConfidence
	 * (chooseExpertConfidence, on held-back photos the expert did not learn from); absent: the
	 * model's.
	 */
	minConfidence?: number;
}

/** The expert's L2 penalty when config adapt.expertL2 is unset. */
export const DEFAULT_EXPERT_L2 = 0.2;

/** Fewest photos of a class for an expert to learn it: with fewer, the model alone ranks it. */
export const MIN_EXPERT_PHOTOS = 3;

/** Fewest classes an expert tells apart: with one, there is nothing to choose. */
export const MIN_EXPERT_CLASSES = 2;

/**
 * The classes of `crop` an expert learns from rows labelled `labels` (indices into the model's
 * labels, in the crop's order): those with MIN_EXPERT_PHOTOS photos or more. A farmer rarely has
 * photos of every disease of a crop; an expert over the classes they have still sharpens the
 * answer among them (mixWithExpert leaves the other classes as the model has them).
 */
export function expertClasses(labels: Int32Array, crop: Crop): number[] {
	const counts = new Map<number, number>();
	for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
	return crop.classes.filter((c) => (counts.get(c) ?? 0) >= MIN_EXPERT_PHOTOS);
}

/**
 * Why no expert can be trained for `crop` from rows labelled `labels`, or null when one can:
 * MIN_EXPERT_CLASSES of its classes need MIN_EXPERT_PHOTOS photos each.
 */
export function expertShortfall(labels: Int32Array, crop: Crop): string | null {
	if (crop.classes.length < MIN_EXPERT_CLASSES)
		return `${crop.name} has one class: nothing to tell apart`;
	const enough = expertClasses(labels, crop).length;
	return enough >= MIN_EXPERT_CLASSES
		? null
		: `${enough} of ${crop.classes.length} ${crop.name} classes ${enough === 1 ? 'has' : 'have'} ${MIN_EXPERT_PHOTOS} photos or more; an expert needs ${MIN_EXPERT_CLASSES}`;
}

/**
 * How an expert's head is fitted (the app's createHead + fit): 150 epochs of batches of 256 (one
 * batch up to 256 photos) at lr 0.01,
 * no warm-up, early stopping or dropout; `optimizer` with `decay` (for `adam` the L2 penalty).
 * Also what bench/field-expert.ts compared optimizers with.
 */
export function expertTrainConfig(seed: number, optimizer: 'adam' | 'adamw', decay: number) {
	return resolveConfig({
		overrides: [
			'epochs=150',
			'batchSize=256',
			'lr=0.01',
			'schedule.warmupEpochs=0',
			'earlyStopping.patience=0',
			'head.dropout=0',
			`optimizer.name=${optimizer}`,
			`optimizer.weightDecay=${decay}`,
			`seed=${seed}`
		]
	});
}

/** Column means and 1 / (spread + 1e-3) of rows [n × d] (the floor keeps a constant column finite). */
export function moments(x: Float32Array, n: number, d: number) {
	const mean = new Float32Array(d);
	const scale = new Float32Array(d);
	for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j]! += x[r * d + j]! / n;
	for (let r = 0; r < n; r++)
		for (let j = 0; j < d; j++) scale[j]! += (x[r * d + j]! - mean[j]!) ** 2 / n;
	for (let j = 0; j < d; j++) scale[j] = 1 / (Math.sqrt(scale[j]!) + 1e-3);
	return { mean, scale };
}

/**
 * Trains `crop`'s expert on the rows of its classes in `rows` (plain features at the model's tap;
 * labels index the model's labels; rows of other crops are left out): over the classes with
 * enough photos (expertClasses), or over `options.classes` when given. Seeded: the same rows and
 * seed give the same expert.
 * @throws Error when too few classes have enough photos (expertShortfall), or a class of
 *   `options.classes` has too few.
 */
export async function trainCropExpert(
	tf: typeof TF,
	rows: TrainArrays,
	crop: Crop,
	options: {
		seed: number;
		l2: number;
		weight: number;
		classes?: readonly number[];
		signal?: AbortSignal;
	}
): Promise<CropExpert> {
	const shortfall = expertShortfall(rows.labels, crop);
	if (shortfall) throw new Error(`No ${crop.name} expert: ${shortfall}`);
	const enough = expertClasses(rows.labels, crop);
	const classes = options.classes ?? enough;
	if (!ascendingWithin(classes, crop.classes) || classes.length < MIN_EXPERT_CLASSES)
		throw new Error(
			`No ${crop.name} expert over classes ${classes.join(', ')}: expected ${MIN_EXPERT_CLASSES} or more of ${crop.classes.join(', ')}, ascending`
		);
	const short = classes.filter((c) => !enough.includes(c));
	if (short.length > 0)
		throw new Error(
			`No ${crop.name} expert over classes ${classes.join(', ')}: ${short.join(', ')} ${short.length > 1 ? 'have' : 'has'} fewer than ${MIN_EXPERT_PHOTOS} photos`
		);
	const d = rows.rowShape.reduce((a, b) => a * b, 1);
	const local = new Map(classes.map((c, i) => [c, i]));
	const keep = [...rows.labels.keys()].filter((r) => local.has(rows.labels[r]!));
	const n = keep.length;
	const x = new Float32Array(n * d);
	keep.forEach((r, i) => x.set(rows.x.subarray(r * d, (r + 1) * d), i * d));
	const { mean, scale } = moments(x, n, d);
	for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean[i % d]!) * scale[i % d]!;
	const labels = Int32Array.from(keep, (r) => local.get(rows.labels[r]!)!);
	const k = classes.length;
	const config = expertTrainConfig(options.seed, 'adam', options.l2);
	const head = createHead(tf, {
		inputDim: d,
		numClasses: k,
		hiddenUnits: 0,
		dropout: 0,
		rng: new Prng(options.seed)
	});
	try {
		await fit(tf, head, {
			train: { x, rowShape: [d], labels },
			numClasses: k,
			config,
			signal: options.signal
		});
		const [kernel, bias] = await Promise.all(
			head.params.map(async (p) => (await p.variable.data()) as Float32Array)
		);
		return {
			crop: crop.name,
			classes: [...classes],
			weight: options.weight,
			mean,
			scale,
			kernel: kernel!,
			bias: bias!
		};
	} finally {
		head.dispose();
	}
}

/** What trainCropExperts made: the experts, and each crop of the photos left without one, and why. */
export interface CropExperts {
	experts: CropExpert[];
	skipped: { crop: string; why: string }[];
}

/**
 * An expert for each crop of `labels` of which MIN_EXPERT_CLASSES classes or more have enough
 * photos in `rows` (expertShortfall), over those classes, in the crops' order; a crop the photos
 * show that gets none is listed in `skipped` with the reason.
 */
export async function trainCropExperts(
	tf: typeof TF,
	rows: TrainArrays,
	labels: readonly string[],
	options: { seed: number; l2: number; weight: number; signal?: AbortSignal }
): Promise<CropExperts> {
	const out: CropExperts = { experts: [], skipped: [] };
	const shown = new Set(rows.labels);
	for (const crop of cropsOf(labels)) {
		if (!crop.classes.some((c) => shown.has(c))) continue;
		const why = expertShortfall(rows.labels, crop);
		if (why) out.skipped.push({ crop: crop.name, why });
		else out.experts.push(await trainCropExpert(tf, rows, crop, options));
	}
	return out;
}

/** The expert's logits over its classes for one feature row: ((row − mean) · scale) · kernel + bias. */
export function expertLogits(expert: CropExpert, row: ArrayLike<number>): number[] {
	const { mean, scale, kernel, bias } = expert;
	const d = mean.length;
	const k = bias.length;
	if (row.length !== d) throw new Error(`Expected a row of ${d} features, got ${row.length}`);
	const logits = Array.from(bias);
	for (let j = 0; j < d; j++) {
		const v = (row[j]! - mean[j]!) * scale[j]!;
		for (let c = 0; c < k; c++) logits[c]! += v * kernel[j * k + c]!;
	}
	return logits;
}

/** Softmax of one row of logits. */
function softmaxRow(logits: ArrayLike<number>): number[] {
	const row = Array.from(logits);
	const top = Math.max(...row);
	const exp = row.map((l) => Math.exp(l - top));
	const sum = exp.reduce((a, b) => a + b, 0);
	return exp.map((e) => e / sum);
}

/** The expert's probabilities over its classes for one feature row (softmax of its logits). */
export function expertProbabilities(expert: CropExpert, row: ArrayLike<number>): number[] {
	return softmaxRow(expertLogits(expert, row));
}

/**
 * The crop row (calibrated probabilities on the crop's classes, 0 elsewhere: crops.ts cropAnswer's
 * input) with the expert mixed in: among the expert's classes, p ∝ p_model^(1−w) · p_expert^w,
 * renormalised to the mass the model gives them, so the "other crop" test, and a class the expert
 * never learnt (an expert over part of a crop), read what the model alone saw.
 */
export function mixWithExpert(
	onCrop: readonly number[],
	expert: Pick<CropExpert, 'classes' | 'weight'>,
	expertProbs: readonly number[],
	weight = expert.weight
): number[] {
	const mass = expert.classes.reduce((a, c) => a + onCrop[c]!, 0);
	if (!(mass > 0) || weight === 0) return [...onCrop];
	const tiny = 1e-12;
	const mixed = expert.classes.map(
		(c, i) =>
			(1 - weight) * Math.log(Math.max(onCrop[c]! / mass, tiny)) +
			weight * Math.log(Math.max(expertProbs[i]!, tiny))
	);
	const top = Math.max(...mixed);
	const exp = mixed.map((m) => Math.exp(m - top));
	const sum = exp.reduce((a, b) => a + b, 0);
	const out = [...onCrop];
	expert.classes.forEach((c, i) => (out[c] = (mass * exp[i]!) / sum));
	return out;
}

/**
 * Per class, the score Grad-CAM explains for an answer with `expert` mixed in (diagnose.ts): on
 * the expert's classes (1 − w) · the model's logit / its temperature + w · the expert's logit (the
 * mix's log-probability up to terms shared by those classes), elsewhere the model's logit. In TF.js,
 * differentiable in `features` [N, D]; `logits` [N, C] are the model's head's.
 */
export function mixedScores(
	tf: typeof TF,
	expert: CropExpert,
	features: TF.Tensor2D,
	logits: TF.Tensor2D,
	temperature: number
): TF.Tensor2D {
	const d = expert.mean.length;
	const k = expert.classes.length;
	const c = logits.shape[1]!;
	const w = expert.weight;
	return tf.tidy(() => {
		const x = tf.mul(tf.sub(features, tf.tensor1d(expert.mean)), tf.tensor1d(expert.scale));
		const own = tf.add(tf.matMul(x, tf.tensor2d(expert.kernel, [d, k])), tf.tensor1d(expert.bias));
		// [k, C]: the expert's i-th output goes to the model's class classes[i].
		const place = new Float32Array(k * c);
		expert.classes.forEach((cls, i) => (place[i * c + cls] = 1));
		const placed = tf.matMul(own, tf.tensor2d(place, [k, c]));
		const inCrop = Float32Array.from({ length: c }, (_, j) =>
			expert.classes.includes(j) ? (1 - w) / temperature : 1
		);
		return tf.add(tf.mul(logits, tf.tensor1d(inCrop)), tf.mul(placed, w)) as TF.Tensor2D;
	});
}

/** `model`'s expert for the crop `name` (a folder name or its words: crops.ts findCrop), if any. */
export function expertFor(
	model: Pick<ClassifierModel, 'manifest' | 'experts'>,
	name: string
): CropExpert | undefined {
	const crop = findCrop(model.manifest.labels, name).name;
	return model.experts?.find((e) => e.crop === crop);
}

/**
 * What a crop's expert reads for one photo: its feature row at the model's tap, or the expert's
 * logits already computed, by the expert's index in `model.experts` (the ONNX export's
 * `expert_logits_<i>` outputs).
 */
export type ExpertInput = ArrayLike<number> | { logits: (index: number) => ArrayLike<number> };

/**
 * The answer among crop `name`'s classes (crops.ts restrictToCrop) from the photo's answer over all
 * classes, with the model's expert for that crop mixed in when it has one; `input` (the photo's
 * features, or the expert's logits) is needed only then.
 * @throws Error for a crop the model does not know, or an expert without its input.
 */
export function restrictWithExpert(
	model: Pick<ClassifierModel, 'manifest' | 'experts'>,
	answer: Prediction,
	name: string,
	input: ExpertInput | null,
	topK = 3
): Prediction {
	const { labels, abstention } = model.manifest;
	const expert = expertFor(model, name);
	if (!expert) return restrictToCrop(answer, labels, name, abstention, topK);
	if (!input) throw new Error(`The ${expert.crop} expert needs the photo's features`);
	const q =
		'logits' in input
			? softmaxRow(input.logits(model.experts!.indexOf(expert)))
			: expertProbabilities(expert, input);
	const thresholds =
		expert.minConfidence === undefined
			? abstention
			: { ...abstention, minConfidence: expert.minConfidence };
	return restrictToCrop(answer, labels, name, thresholds, topK, (onCrop) =>
		mixWithExpert(onCrop, expert, q)
	);
}

/**
 * The expert's own "not sure" threshold on the mix (CropExpert.minConfidence), chosen as the
 * model's are (abstain.ts chooseThresholds): on held-back photos of its crop that it did not learn
 * from, `coverage` of them answered. `answers` are their answers among the crop with the expert
 * mixed in, read at minConfidence 0: those the model's novelty or crop-mass test sets aside count
 * against the budget, the rest of it goes to the least confident mixes.
 * @throws Error without answers.
 */
export function chooseExpertConfidence(
	answers: readonly Pick<Prediction, 'confidence' | 'abstained'>[],
	coverage: number
): number {
	const n = answers.length;
	if (n === 0) throw new Error("Expected held-back photos to choose the expert's threshold, got 0");
	const kept = answers
		.filter((a) => !a.abstained)
		.map((a) => a.confidence)
		.sort((a, b) => a - b);
	return confidenceCut(kept, rejectionBudget(n, coverage) - (n - kept.length));
}

/** What withOwnThresholds made: the experts, and why a crop's kept the model's threshold. */
export interface OwnThresholds {
	experts: CropExpert[];
	/** Per expert, in order: its own threshold, or null and why it has none. */
	thresholds: { crop: string; minConfidence: number | null; why: string | null }[];
}

/**
 * Gives each of `experts` its own "not sure" threshold (chooseExpertConfidence, `coverage` of the
 * held-back photos answered) where its crop has `minHeld` held-back photos and the photos learnt
 * from have enough of each of its classes (expertClasses): an expert of the same settings trained on
 * `learnt` alone is mixed into the model's answers on the held-back photos of its crop, so the
 * threshold is chosen on photos it never saw. `held`: their rows and the model's answers over all
 * classes (decide()). The others are returned as they are (the model's threshold reads them).
 */
export async function withOwnThresholds(
	tf: typeof TF,
	experts: readonly CropExpert[],
	model: Pick<ClassifierModel, 'manifest'>,
	learnt: TrainArrays,
	held: { rows: TrainArrays; answers: readonly Prediction[] },
	options: { seed: number; l2: number; coverage: number; minHeld: number; signal?: AbortSignal }
): Promise<OwnThresholds> {
	const { labels, abstention } = model.manifest;
	const d = held.rows.rowShape.reduce((a, b) => a * b, 1);
	const out: OwnThresholds = { experts: [], thresholds: [] };
	for (const expert of experts) {
		const crop = findCrop(labels, expert.crop);
		const mine = [...held.rows.labels.keys()].filter((i) =>
			crop.classes.includes(held.rows.labels[i]!)
		);
		const enough = expertClasses(learnt.labels, crop);
		const short = expert.classes.filter((c) => !enough.includes(c)).length;
		const why =
			mine.length < options.minHeld
				? `${mine.length} of its photos held back, ${options.minHeld} needed`
				: short > 0
					? `${short} of its ${expert.classes.length} classes ${short === 1 ? 'has' : 'have'} fewer than ${MIN_EXPERT_PHOTOS} photos besides those held back`
					: null;
		if (why) {
			out.experts.push(expert);
			out.thresholds.push({ crop: crop.name, minConfidence: null, why });
			continue;
		}
		const chooser = await trainCropExpert(tf, learnt, crop, {
			...options,
			weight: expert.weight,
			classes: expert.classes
		});
		const atZero = {
			manifest: { ...model.manifest, abstention: { ...abstention, minConfidence: 0 } },
			experts: [chooser]
		};
		const answers = mine.map((i) =>
			restrictWithExpert(
				atZero,
				held.answers[i]!,
				crop.name,
				held.rows.x.subarray(i * d, (i + 1) * d),
				1
			)
		);
		const minConfidence = chooseExpertConfidence(answers, options.coverage);
		out.experts.push({ ...expert, minConfidence });
		out.thresholds.push({ crop: crop.name, minConfidence, why: null });
	}
	return out;
}

/**
 * The thresholds a plant's answer is read by (plant-answer.ts combineLeaves): the model's, and each
 * crop whose expert has its own threshold, as restrictWithExpert reads one leaf.
 */
export function plantThresholds(
	model: Pick<ClassifierModel, 'manifest' | 'experts'>
): PlantThresholds {
	const { minConfidence, maxNovelty } = model.manifest.abstention;
	const own = (model.experts ?? []).filter((e) => e.minConfidence !== undefined);
	return {
		minConfidence,
		maxNovelty,
		...(own.length
			? { cropMinConfidence: Object.fromEntries(own.map((e) => [e.crop, e.minConfidence!])) }
			: {})
	};
}
