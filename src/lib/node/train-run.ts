/**
 * Node orchestration behind `leaflens train` and `leaflens evaluate`: loads the backbone directory
 * and the data, caches features on the fast inference backend, runs the pure engine
 * (src/lib/ml/pipeline.ts) and writes the classifier directory, checkpoints and the run log.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import {
	applyTailWeights,
	loadClassifier,
	noveltyOf,
	saveClassifier,
	type ClassifierModel,
	headLogits
} from '../ml/classifier-dir';
import type { TrainConfig } from '../ml/config';
import { extractArrays, type ImageSource } from '../ml/features';
import { createFeatureExtractor } from '../ml/mobilenet-v3';
import { trainingSplit } from '../ml/op-tail';
import { reportFor, trainClassifier, type EvaluationReport } from '../ml/pipeline';
import type { EpochRecord } from '../ml/train';
import { loadModelDirFromFs } from './model-dir-fs';
import {
	cachedArrays,
	datasetImages,
	fileCheckpointStore,
	fileSha256,
	folderImages,
	fsModelDirIO,
	jsonlRunLog,
	type LabelledImages
} from './train-io';

export interface LoadedBackbone {
	model: TF.LayersModel;
	architecture: string;
	sha256: string;
	dir: string;
	inputSize: number;
}

export async function loadBackbone(dir: string): Promise<LoadedBackbone> {
	const loaded = await loadModelDirFromFs(dir);
	return {
		model: loaded.model,
		architecture: loaded.manifest.architecture,
		sha256: await fileSha256(path.join(dir, 'manifest.json')),
		dir,
		inputSize: loaded.manifest.inputSize
	};
}

async function isDataset(dir: string): Promise<boolean> {
	return stat(path.join(dir, 'manifest.json')).then(
		() => true,
		() => false
	);
}

/** A prepared dataset (manifest.json + shards) or a folder with class sub-folders. */
export async function openImages(
	dir: string,
	size: number,
	classes?: readonly string[]
): Promise<LabelledImages> {
	return (await isDataset(dir)) ? datasetImages(dir, size) : folderImages(dir, size, classes);
}

export interface TrainRunOptions {
	data: string;
	out: string;
	config: TrainConfig;
	backbone: string;
	/** Backend for feature extraction and training (wasm is fastest on CPUs). */
	backend: 'wasm' | 'cpu';
	/** Feature cache folder (default <out>/cache); a sweep shares one across its runs. */
	cacheDir?: string;
	signal?: AbortSignal;
	onStage?(stage: string): void;
	onFeatures?(done: number, total: number, split: string): void;
	onEpoch?(record: EpochRecord, totalEpochs: number): void;
	onResume?(epoch: number): void;
}

export interface TrainRunResult {
	model: ClassifierModel;
	val: EvaluationReport;
	test: EvaluationReport | null;
	seconds: number;
	featureSeconds: number;
}

/** The whole `leaflens train`. */
export async function runTraining(tf: typeof TF, o: TrainRunOptions): Promise<TrainRunResult> {
	const started = performance.now();
	const { config } = o;
	await mkdir(o.out, { recursive: true });
	o.onStage?.('loading backbone');
	const backbone = await loadBackbone(o.backbone);
	o.onStage?.('reading data');
	const images = await openImages(o.data, backbone.inputSize);
	const train = images.splits.train;
	const val = images.splits.val;
	if (!train || !val)
		throw new Error(`${o.data} needs train and val splits (run leaflens prepare-data)`);
	const tap = config.backbone.tap;
	// Plain-op tail in finetune mode: trains on wasm too (a LayersModel tail needs conv gradients).
	const training = trainingSplit(tf, backbone.model, config);
	const { net, tail, cutUnit } = training;
	const cut = cutUnit ?? 'none';
	const cacheDir = o.cacheDir ?? path.join(o.out, 'cache');
	const keyOf = (split: string, views: number) =>
		JSON.stringify({
			data: images.fingerprint,
			backbone: backbone.sha256,
			mode: config.mode,
			tap,
			cut,
			split,
			views,
			augment: views ? config.augment : null,
			seed: config.seed
		});
	const featureStart = performance.now();
	const extract = (source: ImageSource, split: string, views: number) =>
		cachedArrays(cacheDir, keyOf(split, views), () =>
			extractArrays(tf, net, source, {
				views,
				augment: config.augment,
				seed: config.seed,
				batchSize: 32,
				signal: o.signal,
				onProgress: (done, total) => o.onFeatures?.(done, total, split)
			})
		);
	o.onStage?.('features');
	const trainArrays = await extract(train, 'train', config.augmentViews);
	const valArrays = await extract(val, 'val', 0);
	const testArrays = images.splits.test ? await extract(images.splits.test, 'test', 0) : null;
	const featureSeconds = (performance.now() - featureStart) / 1000;
	o.onStage?.('training');
	const result = await trainClassifier(tf, {
		train: trainArrays,
		val: valArrays,
		labels: images.classes,
		config,
		backbone: {
			architecture: backbone.architecture,
			manifestSha256: backbone.sha256,
			// Relative to the model directory: shipped models must not carry local absolute paths.
			path: path.relative(path.resolve(o.out), path.resolve(o.backbone)).split(path.sep).join('/')
		},
		tail,
		store: fileCheckpointStore(path.join(o.out, 'checkpoint')),
		log: jsonlRunLog(path.join(o.out, 'run.jsonl')),
		signal: o.signal,
		onEpoch: (r, info) => o.onEpoch?.(r, info.totalEpochs),
		onResume: ({ epoch }) => o.onResume?.(epoch),
		onCalibrate: ({ method }) =>
			o.onStage?.(
				method === 'block-knn'
					? 'calibrating; training the "not sure" head (about a minute)'
					: 'calibrating'
			)
	});
	let test: EvaluationReport | null = null;
	if (testArrays) {
		test = await evaluateArrays(tf, result.model, testArrays, tail);
		result.model.manifest.metrics.test = {
			...test,
			metrics: { ...test.metrics, confusion: test.metrics.confusion }
		};
	}
	result.model.manifest.metrics.featureSeconds = featureSeconds;
	await saveClassifier(fsModelDirIO(o.out), result.model);
	await jsonlRunLog(path.join(o.out, 'run.jsonl')).write({
		type: 'saved',
		time: new Date().toISOString(),
		test: test && {
			accuracy: test.metrics.accuracy,
			ece: test.metrics.ece,
			abstention: test.abstention
		}
	});
	// The run is complete: a later `train` into this folder starts afresh.
	await rm(path.join(o.out, 'checkpoint'), { recursive: true, force: true });
	training.dispose();
	backbone.model.dispose();
	return {
		model: result.model,
		val: result.val,
		test,
		seconds: (performance.now() - started) / 1000,
		featureSeconds
	};
}

/**
 * Logits and novelty scores of `model` on cached rows (features, or cut activations for a
 * finetuned tail), in batches.
 */
export async function scoreRows(
	tf: typeof TF,
	model: ClassifierModel,
	rows: { x: Float32Array; rowShape: number[]; labels: Int32Array },
	tail?: { apply(x: TF.Tensor, training: boolean): TF.Tensor2D }
): Promise<{ logits: Float32Array; novelty: Float32Array }> {
	const batch = 128;
	const n = rows.labels.length;
	const size = rows.rowShape.reduce((a, b) => a * b, 1);
	const c = model.manifest.labels.length;
	const logits = new Float32Array(n * c);
	const novelty = new Float32Array(n);
	for (let from = 0; from < n; from += batch) {
		const to = Math.min(n, from + batch);
		const x = tf.tensor(rows.x.subarray(from * size, to * size), [to - from, ...rows.rowShape]);
		const f = tf.tidy(() =>
			tail ? tail.apply(x, false) : (x.reshape([to - from, size]) as TF.Tensor2D)
		);
		const l = headLogits(tf, model, f);
		const values = (await l.data()) as Float32Array;
		logits.set(values, from * c);
		novelty.set(await noveltyOf(tf, model, f, values), from);
		tf.dispose([x, f, l]);
	}
	return { logits, novelty };
}

/** Metrics of `model` on cached rows (features, or cut activations for a finetuned tail). */
export async function evaluateArrays(
	tf: typeof TF,
	model: ClassifierModel,
	rows: { x: Float32Array; rowShape: number[]; labels: Int32Array },
	tail?: { apply(x: TF.Tensor, training: boolean): TF.Tensor2D }
): Promise<EvaluationReport> {
	const { logits, novelty } = await scoreRows(tf, model, rows, tail);
	return reportFor(model, logits, novelty, rows.labels);
}

/** The whole `leaflens evaluate`: a classifier dir on a dataset split or an image folder. */
export async function runEvaluation(
	tf: typeof TF,
	o: {
		model: string;
		data: string;
		split: 'train' | 'val' | 'test';
		backbone?: string;
		onProgress?(done: number, total: number): void;
	}
): Promise<{ report: EvaluationReport; count: number; model: ClassifierModel }> {
	const model = await loadClassifier(fsModelDirIO(o.model));
	// The stored path is relative to the model directory (older models: absolute).
	const stored = model.manifest.backbone.path;
	const backboneDir =
		o.backbone ?? (stored === undefined ? undefined : path.resolve(o.model, stored));
	if (!backboneDir)
		throw new Error('The model does not say where its backbone is; pass --backbone <dir>');
	const backbone = await loadBackbone(backboneDir);
	try {
		if (backbone.sha256 !== model.manifest.backbone.manifestSha256) {
			throw new Error(
				`The backbone at ${backboneDir} is not the one this model was trained on (manifest sha256 differs)`
			);
		}
		applyTailWeights(tf, backbone.model, model);
		const extractor = createFeatureExtractor(backbone.model, model.manifest.backbone.tap);
		const images = await openImages(o.data, backbone.inputSize, model.manifest.labels);
		const source = images.splits[o.split];
		if (!source) throw new Error(`${o.data} has no ${o.split} split`);
		if (images.classes.join('\n') !== model.manifest.labels.join('\n')) {
			throw new Error(
				`The dataset's classes differ from the model's ${model.manifest.labels.length} labels`
			);
		}
		const rows = await extractArrays(tf, (x) => extractor.predict(x) as TF.Tensor, source, {
			batchSize: 32,
			onProgress: o.onProgress
		});
		return { report: await evaluateArrays(tf, model, rows), count: rows.labels.length, model };
	} finally {
		backbone.model.dispose();
	}
}
