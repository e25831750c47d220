/**
 * The one evaluation job, for `leaflens evaluate` (src/lib/node/train-run.ts) and the app's
 * Evaluate page (the worker): a trained classifier on labelled images, through the real backbone
 * with a finetuned tail's weights written into it, streamed batch by batch. Also scores cached rows
 * (features or cut activations) for the training job's test split and the benches.
 */
import type * as TF from '@tensorflow/tfjs';
import { answered, maxProbs, selective } from '../abstain';
import {
	applyTailWeights,
	decide,
	headLogits,
	noveltyOf,
	requireTapWidth,
	type ClassifierModel
} from '../classifier-dir';
import { findCrop, renormalisedOnCrop, type Crop } from '../crops';
import { expertFor, restrictWithExpert } from '../expert';
import { runFrozen, type FrozenNet, type FrozenNetFactory, type ImageSource } from '../features';
import { architectureOf, tapWidth } from '../mobilenet-v3';
import { opForward } from '../op-forward';
import type { LoadedBackbone } from '../backbone-dir';
import { photoSide } from '../config';
import { computeMetrics, softmax } from '../evaluate';
import type { ClassifierManifest } from '../model-dir';
import { reportFor, type EvaluationReport, type TrainableTail } from '../pipeline';
import type { TrainArrays } from '../train';

/** Logits [N × C] and novelty scores [N] of N photos with their true labels. */
export interface Scores {
	logits: Float32Array;
	novelty: Float32Array;
	labels: Int32Array;
	/** The photos' features [N × D] at the model's tap, when asked for (a crop expert reads them). */
	features?: Float32Array;
}

async function scoreFeatures(
	tf: typeof TF,
	model: ClassifierModel,
	features: TF.Tensor2D
): Promise<{ logits: Float32Array; novelty: Float32Array }> {
	const l = headLogits(tf, model, features);
	let logits: Float32Array;
	try {
		logits = (await l.data()) as Float32Array;
	} finally {
		l.dispose();
	}
	return { logits, novelty: await noveltyOf(tf, model, features, logits) };
}

/** Scores cached rows (features, or cut activations through a finetuned `tail`) in batches. */
export async function scoreRows(
	tf: typeof TF,
	model: ClassifierModel,
	rows: TrainArrays,
	tail?: Pick<TrainableTail, 'apply'>
): Promise<Scores> {
	const batch = 128;
	const n = rows.labels.length;
	const size = rows.rowShape.reduce((a, b) => a * b, 1);
	const c = model.manifest.labels.length;
	const logits = new Float32Array(n * c);
	const novelty = new Float32Array(n);
	for (let from = 0; from < n; from += batch) {
		const to = Math.min(n, from + batch);
		const f = tf.tidy(() => {
			const x = tf.tensor(rows.x.subarray(from * size, to * size), [to - from, ...rows.rowShape]);
			return tail ? tail.apply(x, false) : (x.reshape([to - from, size]) as TF.Tensor2D);
		});
		let scores: Awaited<ReturnType<typeof scoreFeatures>>;
		try {
			scores = await scoreFeatures(tf, model, f);
		} finally {
			f.dispose();
		}
		logits.set(scores.logits, from * c);
		novelty.set(scores.novelty, from);
	}
	return { logits, novelty, labels: rows.labels };
}

/** Metrics of `model` on cached rows. */
export async function evaluateRows(
	tf: typeof TF,
	model: ClassifierModel,
	rows: TrainArrays,
	tail?: Pick<TrainableTail, 'apply'>
): Promise<EvaluationReport> {
	const { logits, novelty, labels } = await scoreRows(tf, model, rows, tail);
	return reportFor(model, logits, novelty, labels);
}

export interface EvaluateJobOptions {
	model: ClassifierModel;
	/** The backbone the model was trained on (verified by the caller); its tail weights are replaced. */
	backbone: LoadedBackbone;
	images: ImageSource;
	/** Computes the features on another engine (onnxruntime-node in the CLI); absent: TF.js. */
	frozenNet?: FrozenNetFactory;
	/** Also returns the features in `scores` (cropReportFor with a crop expert). */
	keepFeatures?: boolean;
	batchSize?: number;
	signal?: AbortSignal;
	onProgress?(done: number, total: number): void;
}

/** Scores a classifier on images and measures it; `scores` let callers list the mistakes. */
export async function runEvaluateJob(
	tf: typeof TF,
	o: EvaluateJobOptions
): Promise<{ report: EvaluationReport; scores: Scores }> {
	const { model, images } = o;
	const tap = model.manifest.backbone.tap;
	requireTapWidth(model, tapWidth(architectureOf(o.backbone.model), tap));
	applyTailWeights(tf, o.backbone.model, model);
	// After applyTailWeights: another engine reads the finetuned weights from the backbone.
	const side = photoSide(model.manifest, o.backbone.manifest.inputSize);
	const engine = o.frozenNet ? await o.frozenNet({ tap, cut: null, side }) : null;
	const ops = engine ? null : opForward(tf, o.backbone.model);
	const net = engine?.net ?? ((x: TF.Tensor4D) => ops!.features(x, tap));
	try {
		return await evaluateImages(tf, model, images, net, o);
	} finally {
		ops?.dispose();
		await engine?.dispose();
	}
}

async function evaluateImages(
	tf: typeof TF,
	model: ClassifierModel,
	images: ImageSource,
	net: FrozenNet,
	o: Pick<EvaluateJobOptions, 'batchSize' | 'signal' | 'onProgress' | 'keepFeatures'>
): Promise<{ report: EvaluationReport; scores: Scores }> {
	const c = model.manifest.labels.length;
	const logits = new Float32Array(images.size * c);
	// The features, when kept: [size × D], allocated once D is known (the first batch).
	let kept: Float32Array | null = null;
	let dim = 0;
	const novelty = new Float32Array(images.size);
	const labels = new Int32Array(images.size);
	let row = 0;
	for await (const batch of images.batches(o.batchSize ?? 32)) {
		try {
			o.signal?.throwIfAborted();
			const features = (await runFrozen(tf, net, batch.images)) as TF.Tensor2D;
			let scores: Awaited<ReturnType<typeof scoreFeatures>>;
			try {
				if (o.keepFeatures) {
					dim = features.shape[1];
					kept ??= new Float32Array(images.size * dim);
					kept.set((await features.data()) as Float32Array, row * dim);
				}
				scores = await scoreFeatures(tf, model, features);
			} finally {
				features.dispose();
			}
			logits.set(scores.logits, row * c);
			novelty.set(scores.novelty, row);
			labels.set(batch.labels, row);
			row += batch.labels.length;
			o.onProgress?.(row + (images.skipped?.() ?? 0), images.size);
		} finally {
			batch.images.dispose();
		}
	}
	// A source that skips unreadable photos yields fewer rows; the report covers those read.
	const skipped = images.skipped?.() ?? 0;
	if (row + skipped !== images.size)
		throw new Error(`The image source yielded ${row} images, expected ${images.size - skipped}`);
	if (row === 0 && skipped > 0) throw new Error(`None of the ${images.size} photos could be read`);
	const scores: Scores = {
		logits: logits.subarray(0, row * c),
		novelty: novelty.subarray(0, row),
		labels: labels.subarray(0, row),
		...(o.keepFeatures ? { features: kept?.subarray(0, row * dim) ?? new Float32Array(0) } : {})
	};
	return { report: reportFor(model, scores.logits, scores.novelty, scores.labels), scores };
}

/**
 * Throws, naming them, when some of the true `labels` are not classes of `crop`; `advice` says
 * what to do instead.
 */
export function assertOfCrop(
	labels: Int32Array,
	crop: Crop,
	names: readonly string[],
	advice = "score that crop's photos only"
): void {
	const other = [...new Set(labels)].filter((y) => !crop.classes.includes(y)).sort((a, b) => a - b);
	if (other.length > 0)
		throw new Error(
			`The photos include ${other.map((y) => names[y]).join(', ')}, not ${other.length === 1 ? 'a class' : 'classes'} of ${crop.title}: ${advice}`
		);
}

/** An evaluation among one crop's classes: the report, and why its photos were "not sure". */
export interface CropReport {
	report: EvaluationReport;
	/** The crop's folder name and classes (labels). */
	crop: string;
	classes: string[];
	/** The model's expert for the crop mixed in (one trained with --field photos of it). */
	expert: boolean;
	/** "Not sure" photos by reason: unfamiliar, other-crop (under the minimum crop mass), low-confidence. */
	reasons: Record<'unfamiliar' | 'other-crop' | 'low-confidence', number>;
}

/**
 * The report of `scores` answered among the classes of crop `name` as the app's crop choice and
 * `leaflens predict --crop` answer (expert.ts restrictWithExpert: renormalised over the crop, its
 * expert mixed in, 'other-crop' under the minimum crop mass): accuracy, top-3, calibration and the
 * "not sure" rule all read the restricted answers; the uncalibrated figures are the model's softmax
 * renormalised over the crop. Every photo must be of the crop's classes.
 * @throws Error for an unknown crop, a photo of another crop's class, or an expert without features.
 */
export function cropReportFor(
	model: Pick<ClassifierModel, 'manifest' | 'experts'>,
	scores: Scores,
	name: string
): CropReport {
	const names = model.manifest.labels;
	const c = names.length;
	const crop = findCrop(names, name);
	assertOfCrop(scores.labels, crop, names);
	const expert = expertFor(model, crop.name);
	const n = scores.labels.length;
	const d = scores.features ? scores.features.length / Math.max(n, 1) : 0;
	if (expert && !scores.features) throw new Error(`The ${crop.title} expert needs the features`);
	const answers = decide(model, scores.logits, scores.novelty, 1).map((a, i) =>
		restrictWithExpert(
			model,
			a,
			crop.name,
			scores.features?.subarray(i * d, (i + 1) * d) ?? null,
			1
		)
	);
	const probs = new Float32Array(n * c);
	answers.forEach((a, i) => probs.set(a.probabilities!, i * c));
	const raw = softmax(scores.logits, c);
	for (let i = 0; i < n; i++)
		raw.set(renormalisedOnCrop(raw.subarray(i * c, (i + 1) * c), crop), i * c);
	const uncalibrated = computeMetrics(raw, scores.labels, names);
	const reasons = { unfamiliar: 0, 'other-crop': 0, 'low-confidence': 0 };
	for (const a of answers)
		if (a.reason === 'unfamiliar' || a.reason === 'other-crop' || a.reason === 'low-confidence')
			reasons[a.reason]++;
	return {
		report: {
			metrics: computeMetrics(probs, scores.labels, names),
			uncalibrated: { ece: uncalibrated.ece, nll: uncalibrated.nll },
			abstention: selective(
				answers.map((a) => !a.abstained),
				answers.map((a) => a.index),
				scores.labels
			)
		},
		crop: crop.name,
		classes: crop.classes.map((k) => names[k]!),
		expert: expert !== undefined,
		reasons
	};
}

/** A row the model got wrong: its top-1, how sure it was, and whether it would have answered. */
export interface MisclassifiedRow {
	row: number;
	predicted: number;
	/** The top-1's calibrated probability (the model's temperature applied), in [0, 1]. */
	confidence: number;
	/** Whether the model's "not sure" rule sets the photo aside instead of giving this answer. */
	notSure: boolean;
}

/** Every row whose top-1 is not the true label, in order, as the model's report scores it. */
export function misclassifiedRows(
	scores: Scores,
	manifest: Pick<ClassifierManifest, 'labels' | 'temperature' | 'abstention'>
): MisclassifiedRow[] {
	const c = manifest.labels.length;
	const { confidence, predicted } = maxProbs(softmax(scores.logits, c, manifest.temperature), c);
	const answeredMask = answered(confidence, scores.novelty, manifest.abstention);
	const out: MisclassifiedRow[] = [];
	for (let row = 0; row < scores.labels.length; row++) {
		if (predicted[row] === scores.labels[row]) continue;
		out.push({
			row,
			predicted: predicted[row]!,
			confidence: confidence[row]!,
			notSure: !answeredMask[row]
		});
	}
	return out;
}
