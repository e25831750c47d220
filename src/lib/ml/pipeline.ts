/**
 * From cached features (or prefix activations) to a finished classifier: train, calibrate
 * (temperature on validation logits), fit the novelty model on the training features, choose the
 * abstention thresholds on validation for the target coverage, measure, and assemble the model.
 * Shared by the CLI and the browser worker; everything here is pure TF.js.
 */
import type * as TF from '@tensorflow/tfjs';
import {
	answered,
	blockKnnScores,
	chooseThresholds,
	fitLogitKnn,
	fitNovelty,
	logitKnnScores,
	maxProbs,
	noveltyScores,
	selective,
	type NoveltyModel
} from './abstain';
import { fitBlockKnn } from './block-novelty';
import { fitTemperature } from './calibration';
import type { CheckpointStore } from './checkpoint';
import type { ClassifierModel, ClassifierManifest } from './classifier-dir';
import { formatVersionOf } from './model-dir';
import type { TrainConfig } from './config';
import { computeMetrics, softmax, type Metrics } from './evaluate';
import { ARCHITECTURES, noveltyBlockWidth, type ArchitectureId } from './mobilenet-v3';
import type { Param } from './optim';
import { Prng } from './prng';
import { describeEnvironment, logRecord, type RunLogSink } from './run-log';
import { userError } from '../util/user-errors';
import {
	createHead,
	fit,
	predictLogits,
	type FitResult,
	type TrainArrays,
	type TrainCallbacks,
	type TrainableModel
} from './train';

/** A trainable backbone tail (finetune mode): cut activations → features [B, D]. */
export interface TrainableTail {
	params: Param[];
	apply(x: TF.Tensor, training: boolean): TF.Tensor2D;
	outputDim: number;
	cutUnit: string;
}

/** Wraps a TF.js LayersModel tail (e.g. from mobilenet-v3 splitAtBlock) as a TrainableTail. */
export function layersTail(tail: TF.LayersModel, cutUnit: string): TrainableTail {
	const out = tail.outputs[0]!.shape;
	return {
		params: tail.trainableWeights.map((w) => ({
			key: `tail/${w.originalName}`,
			variable: w.read() as TF.Variable
		})),
		apply: (x, training) => tail.apply(x, { training }) as TF.Tensor2D,
		outputDim: out[out.length - 1]!,
		cutUnit
	};
}

/**
 * Fewest held-back field photos that abstain.extraCoverage chooses thresholds on: 50 photos at 85%
 * leave 7 to reject; fewer fall back to targetCoverage on all of val.
 */
export const MIN_EXTRA_VAL = 50;

export interface BackboneRef {
	architecture: string;
	manifestSha256: string;
	/** The backbone directory relative to the model directory (never an absolute local path). */
	path?: string;
}

export interface TrainClassifierOptions extends TrainCallbacks {
	train: TrainArrays;
	val: TrainArrays;
	labels: string[];
	config: TrainConfig;
	backbone: BackboneRef;
	/**
	 * Rows of `val` from this index on are the extra (field) photos held back; with
	 * abstain.extraCoverage (and at least MIN_EXTRA_VAL of them) the "not sure" thresholds are
	 * chosen on them alone.
	 */
	extraValFrom?: number;
	/** Finetune mode: the trainable tail applied to `train.x` rows (cut activations). */
	tail?: TrainableTail;
	store?: CheckpointStore;
	log?: RunLogSink;
	signal?: AbortSignal;
	/** Called when the epochs are over and calibration + the "not sure" model start. */
	onCalibrate?(info: { method: TrainConfig['abstain']['method'] }): void;
}

export interface EvaluationReport {
	metrics: Metrics;
	/** Metrics of the uncalibrated softmax, for comparison. */
	uncalibrated: { ece: number; nll: number };
	abstention: { coverage: number; selectiveAccuracy: number; abstained: number };
}

/** Features [N × D] of rows: the rows themselves in head mode, the tail's output in finetune mode. */
async function featuresOf(
	tf: typeof TF,
	rows: TrainArrays,
	tail: TrainableTail | undefined
): Promise<Float32Array> {
	if (!tail) return rows.x;
	const net = { forward: (x: TF.Tensor) => tail.apply(x, false) };
	return predictLogits(tf, net, rows, 64);
}

/** Metrics of a finished classifier on labelled features (logits from its head). */
export function reportFor(
	model: ClassifierModel,
	logits: Float32Array,
	novelty: Float32Array,
	labels: Int32Array
): EvaluationReport {
	const names = model.manifest.labels;
	const c = names.length;
	const probs = softmax(logits, c, model.manifest.temperature);
	const raw = computeMetrics(softmax(logits, c), labels, names);
	const metrics = computeMetrics(probs, labels, names);
	const { confidence, predicted } = maxProbs(probs, c);
	return {
		metrics,
		uncalibrated: { ece: raw.ece, nll: raw.nll },
		abstention: selective(
			answered(confidence, novelty, model.manifest.abstention),
			predicted,
			labels
		)
	};
}

/**
 * A classifier needs at least two classes: with one there is nothing to tell apart (and TF.js's
 * oneHot would fail with "depth must be >=2"). Throws a plain Error naming the classes.
 */
export function checkClassCount(labels: readonly string[]): void {
	if (labels.length < 2) {
		throw new Error(
			userError('tooFewClasses', { count: labels.length, classes: labels.join(', ') || '—' })
		);
	}
}

/** Trains, calibrates and assembles a classifier; logs the run. Throws for fewer than 2 labels. */
export async function trainClassifier(
	tf: typeof TF,
	options: TrainClassifierOptions
): Promise<{ model: ClassifierModel; fit: FitResult; val: EvaluationReport; seconds: number }> {
	const { config, labels, tail, log } = options;
	const started = performance.now();
	checkClassCount(labels);
	const numClasses = labels.length;
	if (config.mode === 'finetune' && !tail)
		throw new Error('Finetune mode needs a trainable backbone tail');
	const inputDim = tail ? tail.outputDim : options.train.rowShape.reduce((a, b) => a * b, 1);
	await logRecord(log, 'start', {
		config,
		environment: describeEnvironment(tf),
		data: {
			train: options.train.labels.length,
			val: options.val.labels.length,
			classes: numClasses,
			rowShape: options.train.rowShape
		}
	});
	const head = createHead(tf, {
		inputDim,
		numClasses,
		hiddenUnits: config.head.hiddenUnits,
		dropout: config.head.dropout,
		rng: new Prng(config.seed)
	});
	const model: TrainableModel = tail
		? {
				params: [...tail.params, ...head.params],
				forward: (x, training, seed) =>
					tf.tidy(() => head.forward(tail.apply(x, training), training, seed))
			}
		: head;
	try {
		const result = await fit(tf, model, {
			...options,
			numClasses,
			onEpoch: async (record, info) => {
				await logRecord(log, 'epoch', { ...record });
				await options.onEpoch?.(record, info);
			}
		});
		// Calibration and abstention use the final (best) weights.
		options.onCalibrate?.({ method: config.abstain.method });
		const valLogits = await predictLogits(tf, model, options.val);
		const temperature = fitTemperature(valLogits, options.val.labels, numClasses);
		let novelty: NoveltyModel;
		let valNovelty: Float32Array;
		if (config.abstain.method === 'logit-knn') {
			const trainLogits = await predictLogits(tf, model, options.train);
			novelty = fitLogitKnn(
				trainLogits,
				options.train.labels,
				numClasses,
				config.abstain.prototypes,
				config.seed
			);
			valNovelty = await logitKnnScores(tf, novelty, valLogits);
		} else if (config.abstain.method === 'block-knn') {
			const arch = ARCHITECTURES[options.backbone.architecture as ArchitectureId];
			if (!arch || config.backbone.tap !== 'multiscale')
				throw new Error(
					`abstain.method "block-knn" needs a head on the multiscale tap of a known backbone, got tap "${config.backbone.tap}" on "${options.backbone.architecture}"`
				);
			// Multiscale features of the rows: through the trained tail in finetune mode.
			const features = async (rows: TrainArrays): Promise<TrainArrays> =>
				tail ? { ...rows, x: await featuresOf(tf, rows, tail), rowShape: [inputDim] } : rows;
			const val = await features(options.val);
			novelty = await fitBlockKnn(tf, {
				train: await features(options.train),
				val,
				numClasses,
				inputDim: noveltyBlockWidth(arch),
				config,
				signal: options.signal
			});
			const rows = tf.tensor2d(val.x, [val.labels.length, inputDim]);
			valNovelty = await blockKnnScores(tf, novelty, rows);
			rows.dispose();
		} else {
			const trainFeatures = await featuresOf(tf, options.train, tail);
			novelty = await fitNovelty(
				tf,
				trainFeatures,
				options.train.labels,
				numClasses,
				config.abstain.shrinkage
			);
			valNovelty = await noveltyScores(tf, novelty, await featuresOf(tf, options.val, tail));
		}
		const { confidence, predicted } = maxProbs(
			softmax(valLogits, numClasses, temperature.temperature),
			numClasses
		);
		// Adaptation: thresholds on the held-back field photos alone when there are enough of them.
		const n = options.val.labels.length;
		const extraCoverage = config.abstain.extraCoverage;
		const from = options.extraValFrom ?? n;
		const onExtra = extraCoverage !== null && n - from >= MIN_EXTRA_VAL;
		const at = onExtra ? from : 0;
		const thresholds = chooseThresholds(
			{
				confidence: confidence.subarray(at),
				predicted: predicted.subarray(at),
				novelty: valNovelty.subarray(at),
				labels: options.val.labels.subarray(at)
			},
			onExtra ? extraCoverage : config.abstain.targetCoverage,
			config.abstain.noveltyShare
		);
		const weights = [];
		for (const p of model.params) {
			weights.push({
				name: p.key,
				shape: [...p.variable.shape],
				values: ((await p.variable.data()) as Float32Array).slice()
			});
		}
		// Recorded only when it is not the backbone's own: such a model stays format version 1.
		const side =
			config.backbone.side ===
			ARCHITECTURES[options.backbone.architecture as ArchitectureId]?.inputSize
				? undefined
				: config.backbone.side;
		const manifest: Omit<ClassifierManifest, 'weights'> = {
			format: 'leaflens-model',
			formatVersion: formatVersionOf({ side }),
			kind: 'classifier',
			createdAt: new Date().toISOString(),
			mode: config.mode,
			backbone: {
				...options.backbone,
				tap: config.backbone.tap,
				...(side === undefined ? {} : { side }),
				cutUnit: tail?.cutUnit ?? null
			},
			labels,
			head: { inputDim, hiddenUnits: config.head.hiddenUnits },
			temperature: temperature.temperature,
			abstention: {
				...thresholds,
				shrinkage: config.abstain.shrinkage,
				method: config.abstain.method,
				perClass: config.abstain.method !== 'mahalanobis' ? config.abstain.prototypes : undefined
			},
			metrics: {},
			config: config as unknown as Record<string, unknown>
		};
		const classifier: ClassifierModel = { manifest, weights, novelty };
		const val = reportFor(classifier, valLogits, valNovelty, options.val.labels);
		const seconds = (performance.now() - started) / 1000;
		manifest.metrics = {
			val: { ...val, metrics: { ...val.metrics, confusion: undefined } },
			temperature,
			fit: {
				bestEpoch: result.bestEpoch,
				epochsRun: result.epochsRun,
				stoppedEarly: result.stoppedEarly,
				...(result.resumedFrom > 0
					? {
							resumedAfter: result.resumedFrom,
							earlierSeconds: result.history
								.slice(0, result.resumedFrom)
								.reduce((sum, epoch) => sum + epoch.seconds, 0)
						}
					: {})
			},
			seconds
		};
		await logRecord(log, 'end', {
			seconds,
			bestEpoch: result.bestEpoch,
			temperature,
			val: manifest.metrics.val
		});
		return { model: classifier, fit: result, val, seconds };
	} finally {
		head.dispose();
	}
}
