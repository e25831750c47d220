/**
 * The one training job, for `leaflens train` (src/lib/node/train-run.ts) and the app's worker
 * (src/lib/worker/ml.worker.ts): backbone → the frozen net's outputs per split (features at the
 * tap for `head`, activations at the cut for `finetune`), cached → the pure engine
 * (src/lib/ml/pipeline.ts) → a finished classifier, measured on val (and test when given).
 *
 * Node and the worker supply only adapters: where the images come from, where features,
 * checkpoints and the run log are kept. Progress is one `emit(event)`; nothing here touches files,
 * IndexedDB or the DOM.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Split } from '../../data/manifest';
import type { CheckpointStore, EpochRecord } from '../checkpoint';
import { decide, type ClassifierModel } from '../classifier-dir';
import { photoSide, type TrainConfig } from '../config';
import {
	DEFAULT_EXPERT_L2,
	trainCropExperts,
	withOwnThresholds,
	type OwnThresholds
} from '../expert';
import { userError } from '../../util/user-errors';
import { concatRows, extractArrays, type FrozenNetFactory, type ImageSource } from '../features';
import {
	finetuneCut,
	frozenBlockWidth,
	tapWidth,
	unitInputShape,
	unitNames,
	type ArchitectureSpec
} from '../mobilenet-v3';
import type { LoadedBackbone } from '../backbone-dir';
import { trainingSplit } from '../op-tail';
import {
	checkClassCount,
	MIN_EXTRA_VAL,
	trainClassifier,
	type BackboneRef,
	type EvaluationReport
} from '../pipeline';
import type { RunLogSink } from '../run-log';
import type { TrainArrays } from '../train';
import { evaluateRows, scoreRows } from './evaluate-job';

/** What a training job reports, in order: stages, feature progress per split, epochs. */
export type TrainEvent =
	// 'engines': the app times its engines for this training first (src/lib/worker/engines.ts).
	| { type: 'stage'; stage: 'engines' | 'loading' | 'features' | 'training' | 'calibrating' }
	| { type: 'features'; split: Split; done: number; total: number }
	| { type: 'epoch'; record: EpochRecord; totalEpochs: number; resumed: boolean }
	| { type: 'resumed'; epoch: number; history: EpochRecord[] };

/** What identifies one split's cached rows (the adapter adds the data and backbone identity). */
export interface FeatureKey {
	split: Split;
	/** The dataset's photos, or the extra (field) photos trained with them. */
	part: 'data' | 'extra';
	/** Augmented views per image besides the plain one. */
	views: number;
	mode: TrainConfig['mode'];
	tap: TrainConfig['backbone']['tap'];
	/** The first trainable unit in finetune mode; 'none' for a head. */
	cut: string;
	/** How the augmented views were made; null without any (the plain rows do not depend on it). */
	augment: TrainConfig['augment'] | null;
	/** The seed of the augmented views; null without any, so runs of other seeds share plain rows. */
	seed: number | null;
	/** The photos' side (config backbone.side), when set. */
	side?: number;
}

/**
 * The key of one split's rows under `config`, `cutUnit` the first trainable unit (null: a head).
 * The seed and augmentation count only where augmented views are made: plain rows are the same
 * for every seed (`sweep --grid seed=…` reuses them). Which photos a seed holds back of the extra
 * (field) photos is the adapter's part of the key (train-run.ts names them).
 */
export function featureKey(
	config: TrainConfig,
	cutUnit: string | null,
	split: Split,
	part: FeatureKey['part'],
	views: number
): FeatureKey {
	return {
		split,
		part,
		views,
		mode: config.mode,
		tap: config.backbone.tap,
		cut: cutUnit ?? 'none',
		augment: views ? config.augment : null,
		seed: views ? config.seed : null,
		// Only when set, so rows cached before the key existed still serve.
		...(config.backbone.side === undefined ? {} : { side: config.backbone.side })
	};
}

/**
 * The most bytes the extra (field) photos' repeated rows may take (adapt.weight copies of each
 * photo's 1 + adapt.views rows, float32): 1 GiB. They are copied into the training rows, beside
 * the dataset's own and before the engine's tensors; more would not fit a browser tab's memory
 * (WebAssembly's 4 GiB at most) and strains a laptop's. checkExtraRepeat refuses more up front.
 */
export const MAX_REPEATED_EXTRA_BYTES = 2 ** 30;

/** Floats in one cached row of `config` on `arch`: the tap's features, or what a finetuned tail reads. */
export function rowFloats(arch: ArchitectureSpec, config: TrainConfig): number {
	const tap = config.backbone.tap;
	if (config.mode !== 'finetune') return tapWidth(arch, tap);
	const cut = finetuneCut(arch, tap, config.finetune.trainableBlocks);
	// At the backbone's own input size: a finetuned tail takes no other (config.ts parseConfig).
	const [h, w, c] = unitInputShape(arch, cut);
	return (tap === 'multiscale' ? frozenBlockWidth(arch, cut) : 0) + h * w * c;
}

/**
 * Refuses, before any photo is read, a run whose `photos` extra train photos would be repeated
 * into more than MAX_REPEATED_EXTRA_BYTES of rows (`floats` per row), naming what to lower.
 */
export function checkExtraRepeat(
	adapt: Pick<TrainConfig['adapt'], 'weight' | 'views'>,
	photos: number,
	floats: number
): void {
	const rows = photos * (1 + adapt.views) * adapt.weight;
	const bytes = rows * floats * 4;
	if (bytes <= MAX_REPEATED_EXTRA_BYTES) return;
	const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
	// The app's "learn my fields" says it too (its settings are the adapt preset's).
	throw new Error(
		userError('fieldRowsTooMany', {
			photos,
			size: gib(bytes),
			views: adapt.views,
			weight: adapt.weight,
			most: gib(MAX_REPEATED_EXTRA_BYTES)
		})
	);
}

/** Where cached rows live: a folder in Node, IndexedDB in the worker. `compute` runs on a miss. */
export interface FeatureCache {
	get(key: FeatureKey, compute: () => Promise<TrainArrays>): Promise<TrainArrays>;
}

export interface TrainJobOptions {
	config: TrainConfig;
	/** The verified backbone directory (model-dir.ts loadBackboneDir); the caller disposes it. */
	backbone: LoadedBackbone;
	/** Recorded in the model; `path` is relative to the model directory when there is one. */
	backbonePath?: string;
	labels: string[];
	/** train and val are required; test, when present, is scored after training. */
	images: Partial<Record<Split, ImageSource>>;
	/**
	 * Photos of the user's own fields trained with the dataset (config.adapt): their train rows are
	 * repeated adapt.weight times with adapt.views augmented views each; their val photos join the
	 * val split and are also measured on their own. Labels index `labels`.
	 */
	extra?: { train: ImageSource; val: ImageSource };
	features: FeatureCache;
	/**
	 * Runs the frozen part (the features, or the prefix before a finetuned tail) on another engine
	 * (onnxruntime-node in the CLI); absent: TF.js. Training itself always stays on TF.js.
	 */
	frozenNet?: FrozenNetFactory;
	checkpoints?: CheckpointStore;
	log?: RunLogSink;
	/** Feature-extraction batch size (Node 32; the worker 16 to keep GPU memory down). */
	batchSize?: number;
	signal?: AbortSignal;
	emit?(event: TrainEvent): void;
}

export interface TrainJobResult {
	model: ClassifierModel;
	val: EvaluationReport;
	test: EvaluationReport | null;
	/** The extra (field) photos held back for validation, measured alone; null without extra. */
	extraVal: EvaluationReport | null;
	/**
	 * With config adapt.expertWeight: the crops given an expert (expert.ts), and the crops of the
	 * extra photos left without one, with why; null when none was asked for.
	 */
	experts: {
		trained: string[];
		skipped: { crop: string; why: string }[];
		/** With config adapt.expertCoverage: each expert's own threshold, or why it has none. */
		thresholds?: OwnThresholds['thresholds'];
		/** Why no crop had an expert made (no extra photos, or not head mode). */
		why?: string;
	} | null;
	history: EpochRecord[];
	seconds: number;
	featureSeconds: number;
}

/** Trains a classifier; the returned model also carries its test metrics when `images.test` is given. */
export async function runTrainJob(tf: typeof TF, o: TrainJobOptions): Promise<TrainJobResult> {
	const started = performance.now();
	const { config, backbone } = o;
	const emit = o.emit ?? (() => undefined);
	const { train: trainImages, val: valImages } = o.images;
	if (!trainImages || !valImages) throw new Error('Training needs a train and a val split');
	// Before the (long) feature extraction:
	checkClassCount(o.labels);
	if (o.extra)
		checkExtraRepeat(config.adapt, o.extra.train.size, rowFloats(backbone.architecture, config));
	// Plain-op tail in finetune mode: trains on wasm too (a LayersModel tail needs conv gradients).
	const training = trainingSplit(tf, backbone.model, config);
	let engine: Awaited<ReturnType<FrozenNetFactory>> | null = null;
	try {
		const { tail } = training;
		const cut =
			training.cutUnit === null ? null : unitNames(backbone.architecture).indexOf(training.cutUnit);
		// Made on the first cache miss only: a resumed run with every split cached needs none.
		const net = async () => {
			if (!o.frozenNet) return training.net;
			engine ??= await o.frozenNet({
				tap: config.backbone.tap,
				cut,
				side: photoSide(config, backbone.manifest.inputSize)
			});
			return engine.net;
		};
		const featureStart = performance.now();
		const rows = (split: Split, source: ImageSource, views: number, part: FeatureKey['part']) =>
			o.features.get(featureKey(config, training.cutUnit, split, part, views), async () => {
				emit({ type: 'stage', stage: 'features' });
				return extractArrays(tf, await net(), source, {
					views,
					augment: config.augment,
					seed: config.seed,
					batchSize: o.batchSize ?? 32,
					signal: o.signal,
					onProgress: (done, total) => emit({ type: 'features', split, done, total })
				});
			});
		let train = await rows('train', trainImages, config.augmentViews, 'data');
		let val = await rows('val', valImages, 0, 'data');
		const test = o.images.test ? await rows('test', o.images.test, 0, 'data') : null;
		let extraVal: TrainArrays | null = null;
		let extraValFrom: number | undefined;
		/** The extra photos' plain rows, all of them: what crop experts learn from. */
		let expertRows: TrainArrays | null = null;
		/** The extra train photos' plain rows alone (an expert's own threshold is chosen without the held-back). */
		let expertLearnt: TrainArrays | null = null;
		if (o.extra) {
			const extraTrain = await rows('train', o.extra.train, config.adapt.views, 'extra');
			extraVal = await rows('val', o.extra.val, 0, 'extra');
			if ((config.adapt.expertWeight ?? 0) > 0 && config.mode === 'head') {
				const plain =
					config.adapt.views === 0 ? extraTrain : await rows('train', o.extra.train, 0, 'extra');
				expertRows = concatRows([plain, extraVal]);
				expertLearnt = plain;
			}
			train = concatRows([train, ...Array<TrainArrays>(config.adapt.weight).fill(extraTrain)]);
			extraValFrom = val.labels.length;
			val = concatRows([val, extraVal]);
		}
		const featureSeconds = (performance.now() - featureStart) / 1000;
		o.signal?.throwIfAborted();

		emit({ type: 'stage', stage: 'training' });
		const checkpoint = await o.checkpoints?.load();
		// One of another config is refused by the engine (train.ts fit): not announced as resumed.
		if (checkpoint && JSON.stringify(checkpoint.meta.config) === JSON.stringify(config)) {
			// The engine resumes from it; the UI gets the epochs already done for its curves.
			emit({ type: 'resumed', epoch: checkpoint.meta.epoch, history: checkpoint.meta.history });
		}
		const backboneRef: BackboneRef = {
			architecture: backbone.manifest.architecture,
			manifestSha256: backbone.manifestSha256,
			...(o.backbonePath === undefined ? {} : { path: o.backbonePath })
		};
		const result = await trainClassifier(tf, {
			train,
			val,
			labels: o.labels,
			config,
			extraValFrom,
			backbone: backboneRef,
			tail,
			store: o.checkpoints,
			log: o.log,
			signal: o.signal,
			onEpoch: (record, { totalEpochs, resumed }) =>
				emit({ type: 'epoch', record, totalEpochs, resumed }),
			onCalibrate: () => emit({ type: 'stage', stage: 'calibrating' })
		});
		let experts: TrainJobResult['experts'] = null;
		if (expertRows) {
			const settings = {
				seed: config.seed,
				l2: config.adapt.expertL2 ?? DEFAULT_EXPERT_L2,
				signal: o.signal
			};
			const made = await trainCropExperts(tf, expertRows, o.labels, {
				...settings,
				weight: config.adapt.expertWeight!
			});
			const coverage = config.adapt.expertCoverage;
			let own: OwnThresholds | null = null;
			if (made.experts.length && coverage !== undefined && extraVal && expertLearnt) {
				const scores = await scoreRows(tf, result.model, extraVal);
				own = await withOwnThresholds(
					tf,
					made.experts,
					result.model,
					expertLearnt,
					{ rows: extraVal, answers: decide(result.model, scores.logits, scores.novelty, 1) },
					{ ...settings, coverage, minHeld: MIN_EXTRA_VAL }
				);
				made.experts = own.experts;
			}
			if (made.experts.length) result.model.experts = made.experts;
			experts = {
				trained: made.experts.map((e) => e.crop),
				skipped: made.skipped,
				...(own ? { thresholds: own.thresholds } : {})
			};
		} else if ((config.adapt.expertWeight ?? 0) > 0) {
			const why = o.extra
				? 'crop experts are trained in head mode only'
				: 'crop experts learn from --field photos, and there are none';
			experts = { trained: [], skipped: [], why };
		}
		const metrics = result.model.manifest.metrics;
		metrics.featureSeconds = featureSeconds;
		let testReport: EvaluationReport | null = null;
		if (test) {
			testReport = await evaluateRows(tf, result.model, test, tail);
			metrics.test = testReport;
		}
		const extraReport =
			extraVal && extraVal.labels.length
				? await evaluateRows(tf, result.model, extraVal, tail)
				: null;
		if (extraReport) metrics.extraVal = extraReport;
		return {
			model: result.model,
			val: result.val,
			test: testReport,
			extraVal: extraReport,
			experts,
			history: result.fit.history,
			seconds: (performance.now() - started) / 1000,
			featureSeconds
		};
	} finally {
		training.dispose();
		await (engine as Awaited<ReturnType<FrozenNetFactory>> | null)?.dispose();
	}
}
